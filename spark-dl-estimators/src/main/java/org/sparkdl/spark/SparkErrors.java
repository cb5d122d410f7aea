package org.sparkdl.spark;

import java.util.function.Supplier;

/**
 * Runs a Spark job so that a bad-input error raised on an executor reaches the caller as itself
 * (an {@link IllegalArgumentException} naming the column), not inside Spark's stage-failure
 * wrapper, where a user would have to dig for it.
 */
public final class SparkErrors {
    private SparkErrors() {}

    public static <T> T unwrap(Supplier<T> job) {
        try {
            return job.get();
        } catch (Exception e) { // Scala throws SparkException without declaring it
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException
                        && t.getMessage() != null
                        && t.getMessage().startsWith("column '")) {
                    throw new IllegalArgumentException(t.getMessage(), e);
                }
            }
            throw SparkErrors.<RuntimeException>rethrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }
}
