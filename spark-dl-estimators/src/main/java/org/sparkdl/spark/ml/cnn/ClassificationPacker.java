package org.sparkdl.spark.ml.cnn;

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
 * Rows {@code (features vector, label as double, ...)} into the classification task's columns,
 * checking the vector's size and values and that the label is a class index.
 */
final class ClassificationPacker implements RowPacker {
    private static final long serialVersionUID = 1L;

    private final int sampleSize;
    private final int numClasses;
    private final String featuresCol;
    private final String labelCol;
    private final FloatStorage storage;

    ClassificationPacker(int sampleSize, int numClasses, String featuresCol, String labelCol, FloatStorage storage) {
        this.sampleSize = sampleSize;
        this.numClasses = numClasses;
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
        float[] x = Features.toFloats((Vector) r.get(0), sampleSize, featuresCol, row);
        float label = Labels.classIndex(r, 1, numClasses, labelCol, row);
        columns.get(Columns.FEATURES).add(x);
        columns.get(Columns.LABEL).add(label);
    }
}
