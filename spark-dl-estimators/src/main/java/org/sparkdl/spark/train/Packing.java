package org.sparkdl.spark.train;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.spark.ml.Features;

/**
 * Packs one partition's rows {@code (features, label, isValidation)} into two {@link DataBlock}s,
 * training and validation, checking every row: vector size, finite values, label a class index.
 */
final class Packing implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A partition's training and validation blocks. */
    record Blocks(DataBlock train, DataBlock validation) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final int sampleSize;
    private final int numClasses;
    private final String featuresCol;
    private final String labelCol;

    Packing(int sampleSize, int numClasses, String featuresCol, String labelCol) {
        this.sampleSize = sampleSize;
        this.numClasses = numClasses;
        this.featuresCol = featuresCol;
        this.labelCol = labelCol;
    }

    Iterator<Blocks> pack(Iterator<Row> rows) {
        Growing train = new Growing(sampleSize);
        Growing validation = new Growing(sampleSize);
        long row = 0;
        while (rows.hasNext()) {
            Row r = rows.next();
            float[] x = Features.toFloats((Vector) r.get(0), sampleSize, featuresCol, row);
            if (r.isNullAt(1)) {
                throw new IllegalArgumentException("column '" + labelCol + "' is null in row " + row);
            }
            double label = r.getDouble(1);
            if (!(label >= 0 && label < numClasses) || label != Math.rint(label)) {
                throw new IllegalArgumentException("column '" + labelCol + "' has " + label + " in row " + row
                        + ", which is not a class index: expected an integer in [0, " + numClasses
                        + ") (index string labels with StringIndexer first)");
            }
            (r.getBoolean(2) ? validation : train).add(x, (float) label);
            row++;
        }
        return List.of(new Blocks(train.toBlock(), validation.toBlock())).iterator();
    }

    /** A growable features/labels buffer. */
    private static final class Growing {
        private final int per;
        private float[] features = new float[0];
        private float[] labels = new float[0];
        private int n;

        Growing(int per) {
            this.per = per;
        }

        void add(float[] x, float label) {
            if (n == labels.length) {
                int cap = Math.max(64, n * 2);
                labels = java.util.Arrays.copyOf(labels, cap);
                features = java.util.Arrays.copyOf(features, Math.multiplyExact(cap, per));
            }
            System.arraycopy(x, 0, features, n * per, per);
            labels[n++] = label;
        }

        DataBlock toBlock() {
            return new DataBlock(java.util.Arrays.copyOf(features, n * per), java.util.Arrays.copyOf(labels, n), per);
        }
    }
}
