package org.sparkdl.spark.compat;

import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/**
 * Spark 3.5's side of the calls that differ between Spark lines (src/main/spark-4 has Spark 4's,
 * and says why they differ).
 */
public final class SparkCompat {
    private SparkCompat() {}

    /** Writes {@code stage}'s class, uid and params to {@code path/metadata}. */
    public static void saveMetadata(Params stage, String path, SparkSession spark) {
        DefaultParamsWriter.saveMetadata(stage, path, spark.sparkContext(), Option.empty(), Option.empty());
    }

    /** The metadata saved at {@code path/metadata}, of any class. */
    public static DefaultParamsReader.Metadata loadMetadata(String path, SparkSession spark) {
        return DefaultParamsReader.loadMetadata(path, spark.sparkContext(), "");
    }
}
