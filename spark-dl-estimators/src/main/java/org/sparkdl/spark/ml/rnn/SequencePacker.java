package org.sparkdl.spark.ml.rnn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.FloatStorage;
import org.sparkdl.spark.compat.ScalaCollections;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.Labels;
import org.sparkdl.spark.train.RowPacker;

/**
 * Rows {@code (sequence, label)} into the classification task's columns, for the three forms a
 * sequence column takes: a Vector read as {@code steps × width} (fixed length), an
 * {@code array<array<double>>} of steps of {@code width} values, or an {@code array<int>} of token
 * ids (variable length up to {@code steps}). Every value is checked here, before training.
 */
final class SequencePacker implements RowPacker {
    private static final long serialVersionUID = 1L;

    /** The form of the sequence column. */
    enum Form {
        VECTOR,
        STEPS,
        TOKENS
    }

    private final Form form;
    private final int steps;
    private final int width;
    private final int vocab;
    private final int numClasses;
    private final String featuresCol;
    private final String labelCol;
    private final FloatStorage storage;

    /**
     * @param width values per step (1 for token ids)
     * @param vocab the embedding's vocabulary, for token ids
     * @param numClasses classes, or 0 to pack features only (inference)
     */
    SequencePacker(
            Form form,
            int steps,
            int width,
            int vocab,
            int numClasses,
            String featuresCol,
            String labelCol,
            FloatStorage storage) {
        this.form = form;
        this.steps = steps;
        this.width = width;
        this.vocab = vocab;
        this.numClasses = numClasses;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
        this.storage = storage;
    }

    @Override
    public Map<String, ColumnBuilder> newColumns() {
        Map<String, ColumnBuilder> c = new LinkedHashMap<>();
        c.put(
                Columns.FEATURES,
                switch (form) {
                    case VECTOR -> ColumnBuilder.floats(steps * width, storage);
                    case STEPS -> ColumnBuilder.raggedFloats(storage);
                    case TOKENS -> ColumnBuilder.raggedInts();
                });
        if (numClasses > 0) {
            c.put(Columns.LABEL, ColumnBuilder.floats(1));
        }
        return c;
    }

    /** At most {@code steps} steps of {@code width} values (token ids take 4 bytes too), and the label. */
    @Override
    public long maxBytesPerRow() {
        return ((long) steps * width + 1) * Float.BYTES;
    }

    @Override
    public void add(Row r, long row, Map<String, ColumnBuilder> columns) {
        addFeatures(r.get(0), "row " + row, columns.get(Columns.FEATURES));
        if (numClasses > 0) {
            columns.get(Columns.LABEL).add(Labels.classIndex(r, 1, numClasses, labelCol, row));
        }
    }

    /** One sequence into {@code features}; {@code where} names the row in errors. */
    void addFeatures(Object value, String where, ColumnBuilder features) {
        if (value == null) {
            throw new IllegalArgumentException("column '" + featuresCol + "' is null in " + where);
        }
        switch (form) {
            case VECTOR -> features.add(Features.toFloats((Vector) value, steps * width, featuresCol, where));
            case STEPS -> features.add(steps(asList(value), where));
            case TOKENS -> features.add(tokens(asList(value), where));
        }
    }

    private static List<?> asList(Object value) {
        return value instanceof scala.collection.Seq<?> seq ? ScalaCollections.toJava(seq) : (List<?>) value;
    }

    private float[] steps(List<?> seq, String where) {
        checkLength(seq.size(), where);
        float[] out = new float[seq.size() * width];
        for (int s = 0; s < seq.size(); s++) {
            Object step = seq.get(s);
            List<?> values = step == null ? null : asList(step);
            if (values == null || values.size() != width) {
                throw new IllegalArgumentException("column '" + featuresCol + "' has "
                        + (values == null ? "a null" : "a " + values.size() + "-value") + " step " + s + " in " + where
                        + "; every step needs "
                        + width + " values (the first row's)");
            }
            for (int j = 0; j < width; j++) {
                Object v = values.get(j);
                double d = v == null ? Double.NaN : ((Number) v).doubleValue();
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("column '" + featuresCol + "' has " + d + " at step " + s
                            + ", value " + j + " in " + where + "; features must be finite");
                }
                out[s * width + j] = (float) d;
            }
        }
        return out;
    }

    private int[] tokens(List<?> seq, String where) {
        checkLength(seq.size(), where);
        int[] out = new int[seq.size()];
        for (int s = 0; s < out.length; s++) {
            Object v = seq.get(s);
            long id = v == null ? -1 : ((Number) v).longValue();
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("column '" + featuresCol + "' has token id " + v + " at position "
                        + s + " in " + where + ", outside the embedding's vocabulary [0, " + vocab + ")");
            }
            out[s] = (int) id;
        }
        return out;
    }

    private void checkLength(int n, String where) {
        if (n == 0) {
            throw new IllegalArgumentException("column '" + featuresCol + "' holds an empty sequence in " + where);
        }
        if (n > steps) {
            throw new IllegalArgumentException("column '" + featuresCol + "' holds " + n + " steps in " + where
                    + ", more than maxSequenceLength " + steps);
        }
    }
}
