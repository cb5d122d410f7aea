package org.sparkdl.spark.ml.util;

import org.apache.spark.sql.Row;

/** Class-index labels, with errors that name the column and row. */
public final class Labels {
    private Labels() {}

    /** Field {@code index} of {@code r} (a double) as a class index in [0, numClasses). */
    public static float classIndex(Row r, int index, int numClasses, String column, long row) {
        if (r.isNullAt(index)) {
            throw new IllegalArgumentException("column '" + column + "' is null in row " + row);
        }
        double label = r.getDouble(index);
        if (!(label >= 0 && label < numClasses) || label != Math.rint(label)) {
            throw new IllegalArgumentException("column '" + column + "' has " + label + " in row " + row
                    + ", which is not a class index: expected an integer in [0, " + numClasses
                    + ") (index string labels with StringIndexer first)");
        }
        return (float) label;
    }
}
