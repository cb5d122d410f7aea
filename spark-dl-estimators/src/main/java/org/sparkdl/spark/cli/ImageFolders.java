package org.sparkdl.spark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.sparkdl.spark.ml.preprocess.ImageTensorizer;

/**
 * A folder of images as training or scoring data for the CLI: {@code <dir>/<class>/<image>}, one
 * sub-folder per class, the classes numbered in the order of their sorted names (as a labelled
 * image folder is read everywhere else). The images go through Spark's {@code image} source and
 * {@link ImageTensorizer}; the class names are kept beside the model as {@value #CLASSES_FILE}, so
 * that {@code evaluate} and {@code predict} number them the same way and name the predicted class.
 */
final class ImageFolders {
    static final String CLASSES_FILE = "classes.txt";
    private static final Set<String> IMAGE_SUFFIXES = Set.of("png", "jpg", "jpeg", "bmp", "gif", "wbmp");

    private ImageFolders() {}

    /**
     * Checks, before Spark starts, that {@code dir} is a folder of class sub-folders with images,
     * and returns the class names, sorted. {@code labelled = false} (predict) also takes images
     * directly in {@code dir}, and then returns no classes.
     */
    static List<String> classes(String flag, String dir, boolean labelled) throws IOException {
        Path p = new Path(dir);
        FileSystem fs = p.getFileSystem(new Configuration());
        if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
            throw new IllegalArgumentException(flag + " " + dir + " is not a directory: expected a folder with one"
                    + " sub-folder of images per class");
        }
        List<String> classes = new ArrayList<>();
        boolean looseImages = false;
        for (FileStatus s : fs.listStatus(p)) {
            String name = s.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue;
            }
            if (s.isDirectory()) {
                classes.add(name);
            } else if (name.endsWith(".parquet")) {
                throw new IllegalArgumentException(flag + " " + dir + " holds Parquet files (" + name + "): give it"
                        + " as --data, which reads Parquet with a features vector and a label column");
            } else if (isImage(name)) {
                looseImages = true;
            }
        }
        if (!labelled && classes.isEmpty() && looseImages) {
            return List.of();
        }
        if (classes.isEmpty()) {
            throw new IllegalArgumentException(flag + " " + dir + " has no sub-folders: expected one sub-folder of"
                    + " images per class (" + dir + "/<class>/<image>.png)");
        }
        classes.sort(null);
        return List.copyOf(classes);
    }

    static boolean isImage(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 && IMAGE_SUFFIXES.contains(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    /**
     * The images under {@code dir} as {@code origin} (the file), {@code features} (C×H×W in [0, 1])
     * and, when {@code classes} is not empty, {@code label}: the index of the image's sub-folder.
     */
    static Dataset<Row> read(
            SparkSession spark, String flag, String dir, List<String> classes, ImageTensorizer tensorizer) {
        Dataset<Row> images = spark.read()
                .format("image")
                .option("dropInvalid", true)
                .option("recursiveFileLookup", true)
                .load(dir);
        Dataset<Row> out =
                tensorizer.transform(images).select(col("image.origin").as("origin"), col("features"));
        if (classes.isEmpty()) {
            return out;
        }
        List<String> known = classes;
        UDF1<String, Double> label = origin -> {
            String folder = parentName(origin);
            int index = known.indexOf(folder);
            if (index < 0) {
                throw new IllegalArgumentException(flag + " " + dir + ": image " + origin + " is not in one of the"
                        + " class sub-folders " + known);
            }
            return (double) index;
        };
        return out.withColumn("label", udf(label, DataTypes.DoubleType).apply(col("origin")));
    }

    /** The name of the folder holding the file at URI {@code origin}. */
    static String parentName(String origin) {
        return new Path(URI.create(origin)).getParent().getName();
    }

    /** The {@code C,H,W} an image folder's rows have: {@code size} ("H,W") or else the first image's. */
    static String inputShape(SparkSession spark, String dir, ImageTensorizer tensorizer, String size) {
        if (size != null) {
            return tensorizer.outputChannels() + "," + size;
        }
        Row first = spark.read()
                .format("image")
                .option("dropInvalid", true)
                .option("recursiveFileLookup", true)
                .load(dir)
                .select("image.height", "image.width")
                .first();
        return tensorizer.outputChannels() + "," + first.getInt(0) + "," + first.getInt(1);
    }

    /** Writes the class names, one a line, as {@value #CLASSES_FILE} in {@code output}. */
    static void writeClasses(SparkSession spark, String output, List<String> classes, boolean overwrite)
            throws IOException {
        Path p = new Path(output, CLASSES_FILE);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (var out = fs.create(p, overwrite)) {
            out.write((String.join("\n", classes) + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The class names saved beside the model at {@code modelDir}, or an empty list when there are none. */
    static List<String> savedClasses(String modelDir) throws IOException {
        Path p = new Path(new Path(modelDir).getParent(), CLASSES_FILE);
        FileSystem fs = p.getFileSystem(new Configuration());
        if (!fs.exists(p)) {
            return List.of();
        }
        try (FSDataInputStream in = fs.open(p)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return Arrays.stream(text.split("\n")).filter(s -> !s.isEmpty()).toList();
        }
    }
}
