package org.sparkdl.spark.ml.util;

import org.apache.spark.ml.linalg.Vector;

/** Turns a features vector into floats, with errors that name the column. */
public final class Features {
    private Features() {}

    /**
     * @param row the row's position, for the error message
     * @throws IllegalArgumentException naming the column when the size is wrong or a value is not finite
     */
    public static float[] toFloats(Vector v, int expected, String column, long row) {
        return toFloats(v, expected, column, "row " + row);
    }

    /**
     * @param where the row, for the error message, e.g. {@code row 12 of partition 3}
     * @throws IllegalArgumentException naming the column when the size is wrong or a value is not finite
     */
    public static float[] toFloats(Vector v, int expected, String column, String where) {
        if (v == null) {
            throw new IllegalArgumentException("column '" + column + "' is null in " + where);
        }
        if (v.size() != expected) {
            throw new IllegalArgumentException("column '" + column + "' has a vector of size " + v.size() + " in "
                    + where + ", but inputShape needs " + expected + " values");
        }
        float[] out = new float[expected];
        double[] d = v.toArray();
        for (int i = 0; i < expected; i++) {
            double x = d[i];
            if (!Double.isFinite(x)) {
                throw new IllegalArgumentException("column '" + column + "' has " + x + " at index " + i + " in "
                        + where + "; features must be finite");
            }
            out[i] = (float) x;
        }
        return out;
    }
}
