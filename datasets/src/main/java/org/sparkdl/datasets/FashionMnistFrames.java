package org.sparkdl.datasets;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
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
        return fromBytes(spark, toBytes(images.pixels()), images.labels());
    }

    /** Rows from packed arrays; partitions as Spark's default parallelism. */
    public static Dataset<Row> toFrame(SparkSession spark, float[] pixels, int[] labels, int per) {
        List<Row> rows = new ArrayList<>(labels.length);
        for (int i = 0; i < labels.length; i++) {
            rows.add(row(pixels, i * per, per, labels[i]));
        }
        return spark.createDataFrame(
                JavaSparkContext.fromSparkContext(spark.sparkContext())
                        .parallelize(rows, partitions(spark, labels.length)),
                SCHEMA);
    }

    /**
     * Rows of 8-bit images (pixel {@code b} becomes {@code b / 255f}, as {@link FashionMnist#load}
     * reads it). The driver ships each partition's pixels as bytes, and the executors widen them to
     * vectors: tasks a fraction of the size of serialised rows of doubles (Spark warned of 12-30 MiB
     * tasks), the same rows in the same partitions as {@link #toFrame}.
     */
    static Dataset<Row> fromBytes(SparkSession spark, byte[] pixels, int[] labels) {
        int n = labels.length;
        int parts = partitions(spark, n);
        List<Slice> slices = new ArrayList<>(parts);
        for (int p = 0; p < parts; p++) { // parallelize's own split: rows [p n / parts, (p + 1) n / parts)
            int from = (int) ((long) p * n / parts);
            int to = (int) ((long) (p + 1) * n / parts);
            slices.add(new Slice(
                    Arrays.copyOfRange(pixels, from * FashionMnist.PIXELS, to * FashionMnist.PIXELS),
                    Arrays.copyOfRange(labels, from, to)));
        }
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(slices, parts)
                .flatMap(Slice::rows);
        return spark.createDataFrame(rows, SCHEMA);
    }

    /** One partition's images as bytes, and their labels. */
    private record Slice(byte[] pixels, int[] labels) implements Serializable {
        Iterator<Row> rows() {
            float[] f = new float[pixels.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (pixels[i] & 0xff) / 255f;
            }
            List<Row> out = new ArrayList<>(labels.length);
            for (int i = 0; i < labels.length; i++) {
                out.add(row(f, i * FashionMnist.PIXELS, FashionMnist.PIXELS, labels[i]));
            }
            return out.iterator();
        }
    }

    private static Row row(float[] pixels, int offset, int per, int label) {
        double[] v = new double[per];
        for (int j = 0; j < per; j++) {
            v[j] = pixels[offset + j];
        }
        return RowFactory.create(Vectors.dense(v), (double) label);
    }

    private static int partitions(SparkSession spark, int n) {
        int parts = Math.max(spark.sparkContext().defaultParallelism(), n / (SLICE * 8));
        return Math.max(1, Math.min(parts, Math.max(1, n / 64)));
    }

    /** Pixels in [0, 1] that are multiples of 1/255 (as Fashion-MNIST's) back to their bytes. */
    private static byte[] toBytes(float[] pixels) {
        byte[] b = new byte[pixels.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Math.round(pixels[i] * 255f);
        }
        return b;
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
