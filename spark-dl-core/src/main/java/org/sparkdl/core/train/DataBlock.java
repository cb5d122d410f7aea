package org.sparkdl.core.train;

import java.io.Serializable;

/**
 * One partition's samples packed once into flat arrays: {@code features} n × {@code sampleSize}
 * row-major, {@code labels} n (class indices). No per-row objects in the training loop.
 */
public record DataBlock(float[] features, float[] labels, int sampleSize) implements Serializable {
    private static final long serialVersionUID = 1L;

    public DataBlock {
        if (sampleSize <= 0 || features.length != (long) labels.length * sampleSize) {
            throw new IllegalArgumentException("block holds " + features.length + " feature values for " + labels.length
                    + " labels of " + sampleSize + " values each");
        }
    }

    public static DataBlock empty(int sampleSize) {
        return new DataBlock(new float[0], new float[0], sampleSize);
    }

    public int size() {
        return labels.length;
    }
}
