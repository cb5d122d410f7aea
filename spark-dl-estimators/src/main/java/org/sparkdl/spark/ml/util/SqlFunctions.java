package org.sparkdl.spark.ml.util;

import java.util.regex.Pattern;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;

/**
 * Registers a model's per-row function as a Spark SQL function of a {@code features} vector, for
 * users who score from SQL ({@code SELECT name(features) FROM t}): a null vector gives null, as
 * SQL functions do; a vector of the wrong size fails naming the function and the size expected.
 */
public final class SqlFunctions {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** What a model computes of one features vector. */
    @FunctionalInterface
    public interface RowFunction<R> extends java.io.Serializable {
        R apply(Vector features);
    }

    private SqlFunctions() {}

    /** Registers {@code f} as the SQL function {@code name} in {@code spark}'s session, returning {@code type}. */
    public static <R> void register(SparkSession spark, String name, DataType type, RowFunction<R> f) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SQL function name '" + name + "' is not a plain identifier:"
                    + " letters, digits and '_', not starting with a digit");
        }
        UDF1<Vector, R> udf = v -> {
            if (v == null) {
                return null;
            }
            try {
                return f.apply(v);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SQL function " + name + ": " + e.getMessage(), e);
            }
        };
        spark.udf().register(name, udf, type);
    }
}
