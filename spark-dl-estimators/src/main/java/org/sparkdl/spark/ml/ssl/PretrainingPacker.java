package org.sparkdl.spark.ml.ssl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.FloatStorage;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.Labels;
import org.sparkdl.spark.train.RowPacker;

/**
 * Rows {@code (image vector, label as double or null, ...)} into the pretraining task's columns:
 * the image's C·H·W values, checked, and a class index for the k-NN evaluation, or −1 where the
 * row has none (no label column, or null).
 */
final class PretrainingPacker implements RowPacker {
    private static final long serialVersionUID = 1L;

    private final int sampleSize;
    private final String featuresCol;
    private final String labelCol;
    private final FloatStorage storage;

    /** @param labelCol the label column's name, or "" when the rows have none */
    PretrainingPacker(int sampleSize, String featuresCol, String labelCol, FloatStorage storage) {
        this.sampleSize = sampleSize;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
        this.storage = storage;
    }

    @Override
    public Map<String, ColumnBuilder> newColumns() {
        Map<String, ColumnBuilder> c = new LinkedHashMap<>();
        c.put(Columns.FEATURES, ColumnBuilder.floats(sampleSize, storage));
        c.put(Columns.LABEL, ColumnBuilder.floats(1));
        return c;
    }

    @Override
    public long maxBytesPerRow() {
        return (sampleSize + 1L) * Float.BYTES;
    }

    @Override
    public void add(Row r, long row, Map<String, ColumnBuilder> columns) {
        if (r.isNullAt(0)) {
            throw new IllegalArgumentException("column '" + featuresCol + "' is null in row " + row);
        }
        columns.get(Columns.FEATURES).add(Features.toFloats((Vector) r.get(0), sampleSize, featuresCol, row));
        boolean labelled = !labelCol.isEmpty() && !r.isNullAt(1);
        columns.get(Columns.LABEL).add(labelled ? Labels.classIndex(r, 1, Integer.MAX_VALUE, labelCol, row) : -1f);
    }
}
