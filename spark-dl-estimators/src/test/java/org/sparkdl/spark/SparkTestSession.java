package org.sparkdl.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.datasets.FashionMnistFrames;
import org.sparkdl.datasets.SyntheticImages;

/** One local[2] SparkSession for the module's tests, and small data sets. */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {}

    public static synchronized SparkSession get() {
        if (spark == null || spark.sparkContext().isStopped()) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("spark-dl tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.task.maxDirectResultSize", "64m")
                    .getOrCreate();
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }

    /** Stops the session, so the next {@link #get} starts a fresh one (and a fresh SparkContext). */
    public static synchronized void restart() {
        if (spark != null) {
            spark.stop();
            SparkSession.clearActiveSession();
            SparkSession.clearDefaultSession();
            spark = null;
        }
    }

    /** Quadrant images 1×size×size as (features, label). */
    public static Dataset<Row> quadrants(int n, int size, long seed) {
        SyntheticImages.Set s = SyntheticImages.quadrants(n, size, seed);
        return FashionMnistFrames.toFrame(get(), s.pixels(), s.labels(), size * size);
    }

    /** Rows (features, label) from arrays; for hand-made bad input. */
    public static Dataset<Row> rows(double[][] features, double[] labels) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            rows.add(RowFactory.create(Vectors.dense(features[i]), labels[i]));
        }
        return get().createDataFrame(rows, FashionMnistFrames.SCHEMA);
    }
}
