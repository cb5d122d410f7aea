package org.sparkdl.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Fashion-MNIST as Spark DataFrames: {@code features} (a Vector of 784 pixels in [0, 1], row-major
 * 28×28, so {@code inputShape = 1,28,28}) and {@code label} (0..9 as a double), and its conversion
 * to Parquet for jobs that read the data from a cluster file system.
 */
public final class FashionMnistFrames {
    public static final StructType SCHEMA = new StructType()
            .add("features", SQLDataTypes.VectorType(), false)
            .add("label", DataTypes.DoubleType, false);

    /** Rows per slice when the driver distributes the arrays. */
    private static final int SLICE = 2_000;

    private FashionMnistFrames() {}

    /**
     * @param limit at most this many images (the first ones), or 0 for all
     */
    public static Dataset<Row> load(SparkSession spark, Path dir, FashionMnist.Split split, int limit)
            throws IOException {
        FashionMnist.Images images = FashionMnist.load(dir, split);
        if (limit > 0) {
            images = images.head(limit);
        }
        return toFrame(spark, images.pixels(), images.labels(), FashionMnist.PIXELS);
    }

    /** Rows from packed arrays; partitions as Spark's default parallelism. */
    public static Dataset<Row> toFrame(SparkSession spark, float[] pixels, int[] labels, int per) {
        List<Row> rows = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            double[] v = new double[per];
            for (int j = 0; j < per; j++) {
                v[j] = pixels[i * per + j];
            }
            rows.add(RowFactory.create(Vectors.dense(v), (double) labels[i]));
        }
        int parts = Math.max(spark.sparkContext().defaultParallelism(), labels.length / (SLICE * 8));
        return spark.createDataFrame(
                org.apache.spark.api.java.JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(rows, Math.max(1, Math.min(parts, Math.max(1, labels.length / 64)))),
                SCHEMA);
    }

    /** Writes both splits as Parquet under {@code out/train} and {@code out/test}. */
    public static void toParquet(SparkSession spark, Path dir, String out) throws IOException {
        toParquet(spark, dir, out, 0);
    }

    /** As {@link #toParquet(SparkSession, Path, String)}, the first {@code limit} images of each split (0: all). */
    public static void toParquet(SparkSession spark, Path dir, String out, int limit) throws IOException {
        for (FashionMnist.Split s : FashionMnist.Split.values()) {
            load(spark, dir, s, limit)
                    .write()
                    .mode(SaveMode.Overwrite)
                    .parquet(out + "/" + s.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
