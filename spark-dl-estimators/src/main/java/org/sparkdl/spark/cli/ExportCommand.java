package org.sparkdl.spark.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.rnn.RNNSequencerModel;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel;
import org.sparkdl.spark.ml.util.ExportsOnnx;
import org.sparkdl.spark.persist.StatePersistence;

/**
 * {@code export --model <dir> --onnx <file> [--overwrite]}: a saved model (of {@code train},
 * {@code train-lm} or {@code pretrain}) as an ONNX file; ends with one JSON line naming the file,
 * the model's class and the outputs.
 */
final class ExportCommand {
    /** The saved classes that export, by the class name in their metadata (0.1.0's name included). */
    private static final Map<String, Function<String, ExportsOnnx>> LOADERS = Map.of(
            CNNClassificationModel.class.getName(),
            CNNClassificationModel::load,
            "org.sparkdl.spark.ml.CNNClassificationModel",
            CNNClassificationModel::load,
            RNNSequencerModel.class.getName(),
            RNNSequencerModel::load,
            ContrastivePretrainerModel.class.getName(),
            ContrastivePretrainerModel::load);

    private ExportCommand() {}

    static void export(Options o) throws IOException {
        String model = o.required("model");
        String onnx = o.required("onnx");
        boolean overwrite = o.has("overwrite");
        Preflight.master(o);
        Preflight.requireExists("--model", model);
        Preflight.outputFile("--onnx", onnx, overwrite);
        SparkSession spark = SparkDl.session(o);
        String className = StatePersistence.metadata(spark, model).className();
        Function<String, ExportsOnnx> loader = LOADERS.get(className);
        if (loader == null) {
            throw new IllegalArgumentException("--model " + model + " holds a saved " + className
                    + ", which has no ONNX export; saved models of train, train-lm and pretrain do");
        }
        ExportsOnnx loaded = loader.apply(model);
        loaded.exportOnnx(onnx, overwrite);
        Path written = new Path(onnx);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("onnx", onnx);
        out.put(
                "bytes",
                written.getFileSystem(spark.sparkContext().hadoopConfiguration())
                        .getFileStatus(written)
                        .getLen());
        out.put("model", className.substring(className.lastIndexOf('.') + 1));
        out.put("outputs", String.join(",", loaded.onnxExport().outputs()));
        System.out.println(SparkDl.json(out));
        spark.stop();
    }
}
