package org.sparkdl.spark.train;

/**
 * A row that cannot be packed, raised on an executor with the row's id from
 * {@code monotonically_increasing_id} (input partition in the upper bits, offset below); the driver
 * turns the id into the row's position in the input before the user sees it
 * ({@link TrainingData#pack}).
 */
final class BadRowException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final long rowId;

    BadRowException(String message, long rowId, Throwable cause) {
        super(message, cause);
        this.rowId = rowId;
    }

    long rowId() {
        return rowId;
    }

    /** The input partition of the row. */
    int inputPartition() {
        return (int) (rowId >>> 33);
    }

    /** The row's offset in its input partition. */
    long offset() {
        return rowId & ((1L << 33) - 1);
    }
}
