package org.sparkdl.spark.train;

import java.io.Serializable;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.DataBlock;

/**
 * An estimator's glue between its DataFrame columns and its task's {@link
 * org.sparkdl.core.train.DataBlock} columns: turns one row into one sample, checking every value
 * so that bad data fails while packing, before any training step, naming the column and row.
 */
public interface RowPacker extends Serializable {
    /** Empty builders of the task's columns, by name. */
    Map<String, ColumnBuilder> newColumns();

    /**
     * Adds {@code row}'s sample to {@code columns}.
     *
     * @param rowNumber the row's position in the input, for error messages
     */
    void add(Row row, long rowNumber, Map<String, ColumnBuilder> columns);

    /**
     * An upper bound of the bytes one row's sample takes once packed, from which the fit decides
     * how many chunks the data needs; 0 when a row's size cannot be bounded (free text): then the
     * estimator gives the data's size in all ({@link TrainingData#pack(org.apache.spark.sql.Dataset,
     * RowPacker, DataLayout, long)}), or the data is packed one chunk per replica.
     */
    default long maxBytesPerRow() {
        return 0;
    }

    /**
     * The task's samples from a partition's packed rows: the rows themselves, or what the task
     * trains on cut from them (a language model's windows of the partition's concatenated text).
     */
    default DataBlock finish(DataBlock rows) {
        return rows;
    }
}
