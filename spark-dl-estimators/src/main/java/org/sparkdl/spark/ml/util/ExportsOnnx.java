package org.sparkdl.spark.ml.util;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.onnx.OnnxExport;

/**
 * A model that writes its network as an ONNX file ({@code docs/ONNX.md}): {@code
 * model.exportOnnx("hdfs:///models/cnn.onnx")}. The path is a Hadoop path (local, HDFS, S3, ...),
 * resolved with the active Spark session's Hadoop configuration when there is one. An existing file
 * is never replaced unless {@code overwrite} says so.
 */
public interface ExportsOnnx {
    /** The export of this model's network with its weights, its outputs named ({@code logits}, ...). */
    OnnxExport onnxExport();

    /**
     * Writes the ONNX model to {@code path}.
     *
     * @throws IllegalArgumentException when {@code path} exists
     */
    default void exportOnnx(String path) {
        exportOnnx(path, false);
    }

    /**
     * Writes the ONNX model to {@code path}, replacing a file there only when {@code overwrite}.
     *
     * @throws org.sparkdl.onnx.UnsupportedLayerException when a layer has no ONNX form; it names it
     */
    default void exportOnnx(String path, boolean overwrite) {
        byte[] bytes = onnxExport().toBytes(); // before touching the file: a failed export writes nothing
        Path p = new Path(path);
        try {
            scala.Option<SparkSession> active = SparkSession.getActiveSession();
            FileSystem fs = p.getFileSystem(
                    active.isDefined() ? active.get().sparkContext().hadoopConfiguration() : new Configuration());
            if (fs.exists(p)) {
                if (fs.getFileStatus(p).isDirectory()) {
                    throw new IllegalArgumentException(
                            "cannot write the ONNX model to " + path + ": it is a directory");
                }
                if (!overwrite) {
                    throw new IllegalArgumentException(path + " already exists; exportOnnx(path, true) replaces it");
                }
            }
            try (OutputStream out = fs.create(p, overwrite)) {
                out.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ONNX model to " + path, e);
        }
    }
}
