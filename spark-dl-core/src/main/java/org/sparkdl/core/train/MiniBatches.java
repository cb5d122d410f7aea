package org.sparkdl.core.train;

import java.util.SplittableRandom;

/**
 * Seeded shuffled mini-batches over a {@link DataBlock}. Gathers every column into buffers it
 * reuses, so iterating an epoch allocates no sample arrays after the first batch of each size.
 */
public final class MiniBatches {
    private final DataBlock data;
    private final int n;
    private final int[] order;
    private DataBlock last;

    public MiniBatches(DataBlock data) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("no training samples");
        }
        this.data = data;
        this.n = data.size();
        this.order = new int[n];
        resetOrder();
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
        shuffle(order, rng);
    }

    /** Fisher–Yates shuffle of {@code values} in place. */
    static void shuffle(int[] values, SplittableRandom rng) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
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

    /** Batch {@code b}'s samples, every column (valid until the next call). */
    public DataBlock batch(int b, int batchSize) {
        last = data.gather(order, b * batchSize, batchRows(b, batchSize), last);
        return last;
    }
}
