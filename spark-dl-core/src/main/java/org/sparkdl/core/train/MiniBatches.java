package org.sparkdl.core.train;

import java.util.SplittableRandom;

/**
 * Seeded shuffled mini-batches over packed arrays: features n × per, labels n. Gathers into
 * buffers it owns, so iterating an epoch allocates nothing.
 */
public final class MiniBatches {
    private final float[] features;
    private final float[] labels;
    private final int per;
    private final int n;
    private final int[] order;
    private float[] xBuf = new float[0];
    private float[] yBuf = new float[0];

    public MiniBatches(float[] features, float[] labels, int samplesPerRow) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("no training samples");
        }
        if (features.length != (long) labels.length * samplesPerRow) {
            throw new IllegalArgumentException("features hold " + features.length + " values, but " + labels.length
                    + " samples of " + samplesPerRow + " need " + (long) labels.length * samplesPerRow);
        }
        this.features = features;
        this.labels = labels;
        this.per = samplesPerRow;
        this.n = labels.length;
        this.order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
    }

    public int size() {
        return n;
    }

    /** Back to the identity order, so that a shuffle depends only on its generator. */
    public void resetOrder() {
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
    }

    /** Fisher–Yates shuffle of the current sample order. */
    public void shuffle(SplittableRandom rng) {
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Number of batches in an epoch (the last may be smaller). */
    public int batches(int batchSize) {
        return (n + batchSize - 1) / batchSize;
    }

    /** Rows of batch {@code b}. */
    public int batchRows(int b, int batchSize) {
        return Math.min(batchSize, n - b * batchSize);
    }

    /** Gathers batch {@code b}'s features into an owned buffer (valid until the next call). */
    public float[] features(int b, int batchSize) {
        int rows = batchRows(b, batchSize);
        if (xBuf.length != rows * per) {
            xBuf = new float[rows * per];
        }
        for (int i = 0; i < rows; i++) {
            System.arraycopy(features, order[b * batchSize + i] * per, xBuf, i * per, per);
        }
        return xBuf;
    }

    public float[] labels(int b, int batchSize) {
        int rows = batchRows(b, batchSize);
        if (yBuf.length != rows) {
            yBuf = new float[rows];
        }
        for (int i = 0; i < rows; i++) {
            yBuf[i] = labels[order[b * batchSize + i]];
        }
        return yBuf;
    }
}
