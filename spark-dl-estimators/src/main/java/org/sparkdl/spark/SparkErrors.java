package org.sparkdl.spark;

import java.util.function.Supplier;

/**
 * Runs a Spark job so that a bad-input or divergence error raised by spark-dl on an executor
 * reaches the caller as itself (an {@link IllegalArgumentException} naming the column and row, an
 * {@link ArithmeticException}), not inside Spark's stage-failure wrapper, where a user would have
 * to dig for it.
 */
public final class SparkErrors {
    private SparkErrors() {}

    public static <T> T unwrap(Supplier<T> job) {
        try {
            return job.get();
        } catch (Exception e) { // Scala throws SparkException without declaring it
            Throwable ours = ours(e);
            if (ours instanceof RuntimeException r) {
                throw r;
            }
            throw SparkErrors.<RuntimeException>rethrow(e);
        }
    }

    /**
     * The first bad-input ({@link IllegalArgumentException}) or numeric ({@link ArithmeticException})
     * error in {@code e}'s causes that spark-dl's own code raised, or null.
     */
    public static Throwable ours(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if ((t instanceof IllegalArgumentException || t instanceof ArithmeticException)
                    && t.getMessage() != null
                    && raisedBySparkDl(t)) {
                return t;
            }
        }
        return null;
    }

    private static boolean raisedBySparkDl(Throwable t) {
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().startsWith("org.sparkdl.")) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }
}
