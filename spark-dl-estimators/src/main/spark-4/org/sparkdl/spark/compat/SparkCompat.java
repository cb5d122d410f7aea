package org.sparkdl.spark.compat;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Spark 4's side of the calls that differ between Spark lines (src/main/spark-3.5 has Spark 3.5's).
 * Spark 4 reads and writes MLlib metadata through the SparkSession (its SparkContext forms are
 * deprecated); Spark 3.5 has only the SparkContext forms. Both write the same {@code metadata/}
 * (one JSON line in a text file), so a stage saved under one line loads under the other.
 */
public final class SparkCompat {
    private SparkCompat() {}

    /** Writes {@code stage}'s class, uid and params to {@code path/metadata}. */
    public static void saveMetadata(Params stage, String path, SparkSession spark) {
        DefaultParamsWriter.saveMetadata(stage, path, spark);
    }

    /** The metadata saved at {@code path/metadata}, of any class. */
    public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark) {
        return DefaultParamsReader.loadMetadata(path, spark, "");
    }
}
