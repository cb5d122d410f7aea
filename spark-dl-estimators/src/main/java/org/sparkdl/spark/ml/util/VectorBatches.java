package org.sparkdl.spark.ml.util;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * A partition's rows scored in batches: the features vectors of up to {@code batchSize} rows are
 * gathered into one float array (checked, errors naming the column, row and partition), a scorer
 * computes each row's added values, and the rows come out in order with those values appended. What
 * a model's {@code transform} does inside {@code mapPartitions}, so that a network runs once per
 * batch rather than once per row.
 */
public final class VectorBatches implements Iterator<Row> {
    /** Computes the values to append to each row of a batch. */
    public interface Scorer {
        /**
         * @param x the batch's features, {@code n} rows of {@code perRow} values
         * @return per row, the values to append
         */
        Object[][] score(float[] x, int n);
    }

    private final Iterator<Row> rows;
    private final int column;
    private final int perRow;
    private final String featuresCol;
    private final int batchSize;
    private final Scorer scorer;
    private final List<Row> ready = new ArrayList<>();
    private final int partition = org.apache.spark.TaskContext.getPartitionId();
    private int next;
    private long rowsBefore;

    /**
     * @param column the index of the features column in each row
     * @param perRow the values each vector must have
     */
    public VectorBatches(Iterator<Row> rows, int column, int perRow, String featuresCol, int batchSize, Scorer scorer) {
        this.rows = rows;
        this.column = column;
        this.perRow = perRow;
        this.featuresCol = featuresCol;
        this.batchSize = batchSize;
        this.scorer = scorer;
    }

    @Override
    public boolean hasNext() {
        if (next < ready.size()) {
            return true;
        }
        ready.clear();
        next = 0;
        List<Row> batch = new ArrayList<>(batchSize);
        while (rows.hasNext() && batch.size() < batchSize) {
            batch.add(rows.next());
        }
        if (batch.isEmpty()) {
            return false;
        }
        float[] x = new float[batch.size() * perRow];
        for (int i = 0; i < batch.size(); i++) {
            float[] f = Features.toFloats(
                    (Vector) batch.get(i).get(column),
                    perRow,
                    featuresCol,
                    "row " + (rowsBefore + i) + " of partition " + partition);
            System.arraycopy(f, 0, x, i * perRow, perRow);
        }
        rowsBefore += batch.size();
        Object[][] added = scorer.score(x, batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row r = batch.get(i);
            Object[] values = new Object[r.size() + added[i].length];
            for (int c = 0; c < r.size(); c++) {
                values[c] = r.get(c);
            }
            System.arraycopy(added[i], 0, values, r.size(), added[i].length);
            ready.add(RowFactory.create(values));
        }
        return true;
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.get(next++);
    }
}
