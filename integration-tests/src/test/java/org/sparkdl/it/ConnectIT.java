package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.connect.proto.MlParams;
import org.apache.spark.connect.proto.Relation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.it.ConnectClient.ModelRef;
import org.sparkproject.connect.grpc.StatusRuntimeException;

/**
 * The assembly on a live Spark Connect server: Spark's own server (the {@code spark-connect} jar
 * of the project's Spark version) started by spark-submit with the assembly, on loopback, and a
 * client that sends what PySpark's Connect client sends for a {@code Pipeline} of
 * {@code ChannelMeanSubtractor} and {@code CNNClassifier} wrapped as {@code JavaEstimator}s (see
 * docs/CONNECT.md): PySpark fits a Pipeline on the client, one {@code MlCommand.Fit} per estimator,
 * each later fit's dataset the earlier models' {@code MlRelation.Transform}; it saves a
 * PipelineModel as one {@code MlCommand.Write} per stage under {@code stages/<i>_<uid>}, and loads
 * each stage with {@code MlCommand.Read} of the class its metadata names.
 */
class ConnectIT {
    private static final int ROWS = 400;

    /**
     * A pipeline stage as its pair of Python wrappers knows it: class names spelled out, as the
     * wrappers spell them (a renamed class breaks them, and this test), and the params they set.
     */
    private record Stage(String estimator, String model, MlParams params) {}

    private static final Stage SUBTRACTOR = new Stage(
            "org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractor",
            "org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel",
            ConnectClient.params(Map.of("inputShape", "1,28,28", "outputCol", "centered")));

    private static final Stage CLASSIFIER = new Stage(
            "org.sparkdl.spark.ml.cnn.CNNClassifier",
            "org.sparkdl.spark.ml.cnn.CNNClassificationModel",
            ConnectClient.params(Map.of(
                    "spec",
                    "conv(8,5,pad=2) relu maxpool(2) flatten dense(10)",
                    "inputShape",
                    "1,28,28",
                    "featuresCol",
                    "centered",
                    "maxEpochs",
                    2,
                    "learningRate",
                    0.003,
                    // A Python int: the server turns the integer literal into the Java param's long.
                    "seed",
                    7)));

    private static final List<Stage> PIPELINE = List.of(SUBTRACTOR, CLASSIFIER);

    @TempDir
    static Path tmp;

    /** The first {@link #ROWS} test images: a fit of two epochs takes seconds on two cores. */
    private static FashionMnist.Images images;

    private static Relation sample;
    private static Processes processes;
    private static ConnectClient client;

    @BeforeAll
    static void startServer() throws Exception {
        Processes.requireAssembly();
        assertTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist");
        images = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST)
                .head(ROWS);
        sample = ConnectClient.read("libsvm", Map.of("numFeatures", "784"), writeLibsvm(tmp.resolve("sample.libsvm")));
        processes = new Processes(tmp.resolve("logs"));
        int port = Processes.freePort();
        processes
                .connectServer("connect-server", port, Files.createDirectories(tmp.resolve("server-tmp")))
                .await("Spark Connect server started at: 127\\.0\\.0\\.1:" + port, Duration.ofSeconds(90));
        client = new ConnectClient("127.0.0.1", port);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (client != null) {
            client.close();
        }
        if (processes != null) {
            processes.close();
        }
    }

    /** The images as {@code spark.read.format("libsvm")} reads them: label, then index:value (from 1) of each non-zero pixel. */
    private static String writeLibsvm(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int row = 0; row < ROWS; row++) {
            text.append(images.labels()[row]);
            for (int i = 0; i < FashionMnist.PIXELS; i++) {
                float pixel = images.pixels()[row * FashionMnist.PIXELS + i];
                if (pixel != 0) {
                    text.append(' ').append(i + 1).append(':').append(pixel);
                }
            }
            text.append('\n');
        }
        return Files.writeString(file, text).toString();
    }

    /** A uid as PySpark makes one: the class's simple name and 12 hex digits. */
    private static String pythonUid(String javaClass) {
        return javaClass.substring(javaClass.lastIndexOf('.') + 1) + "_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /**
     * {@code Pipeline(stages=[...]).fit(sample)} as PySpark runs it: each estimator fits on the
     * previous models' output, a lazy transform plan on the server.
     */
    private static List<ModelRef> fitPipeline() {
        List<ModelRef> models = new ArrayList<>();
        Relation dataset = sample;
        for (Stage stage : PIPELINE) {
            ModelRef model = client.fit(stage.estimator(), pythonUid(stage.estimator()), stage.params(), dataset);
            models.add(model);
            dataset = ConnectClient.transform(model, stage.params(), dataset);
        }
        return models;
    }

    /** {@code pipelineModel.transform(sample).select("label", "prediction").collect()}. */
    private static Map<String, List<Object>> predict(List<ModelRef> models) throws IOException {
        Relation dataset = sample;
        for (int i = 0; i < models.size(); i++) {
            dataset = ConnectClient.transform(models.get(i), PIPELINE.get(i).params(), dataset);
        }
        return client.collect(ConnectClient.select(dataset, "label", "prediction"));
    }

    private static List<Double> doubles(Map<String, List<Object>> columns, String name) {
        assertTrue(columns.containsKey(name), "no column " + name + " in " + columns.keySet());
        return columns.get(name).stream().map(v -> ((Number) v).doubleValue()).toList();
    }

    @Test
    void pipelineFitsPredictsSavesAndLoadsOverConnect() throws Exception {
        List<ModelRef> models = fitPipeline();
        assertEquals(
                2,
                models.stream()
                        .map(ModelRef::id)
                        .filter(id -> !id.isEmpty())
                        .distinct()
                        .count(),
                "the server returns a cache id for each model: " + models);

        Map<String, List<Object>> result = predict(models);
        List<Double> labels = doubles(result, "label");
        List<Double> predictions = doubles(result, "prediction");
        assertEquals(ROWS, predictions.size(), "a prediction per row");
        int correct = 0;
        for (int row = 0; row < ROWS; row++) {
            assertEquals(images.labels()[row], labels.get(row), "the rows come back in order");
            double p = predictions.get(row);
            assertTrue(p == Math.rint(p) && p >= 0 && p < FashionMnist.CLASSES, "class index, row " + row + ": " + p);
            correct += p == labels.get(row) ? 1 : 0;
        }
        double accuracy = correct / (double) ROWS;
        System.out.println("Connect pipeline accuracy on its training sample: " + accuracy);
        assertTrue(accuracy > 0.4, "well above chance (0.1) after two epochs: " + accuracy);

        // pipelineModel.write().overwrite().save(path) and PipelineModel.load(path): PySpark's
        // pipeline writer saves each stage under stages/<i>_<uid>; its reader reads each stage's
        // metadata for the class, and loads that class.
        Path stages = tmp.resolve("pipeline-model").resolve("stages");
        List<ModelRef> loaded = new ArrayList<>();
        for (int i = 0; i < PIPELINE.size(); i++) {
            Stage stage = PIPELINE.get(i);
            ModelRef model = models.get(i);
            String path = stages.resolve(i + "_" + model.uid()).toString();
            client.write(model, stage.params(), path);
            assertEquals(stage.model(), metadataClass(path), "the saved stage names its model class");
            ModelRef back = client.readModel(stage.model(), path);
            assertEquals(model.uid(), back.uid(), "the loaded model keeps its uid");
            assertTrue(
                    back.params()
                            .getParamsMap()
                            .keySet()
                            .containsAll(stage.params().getParamsMap().keySet()),
                    "the loaded model holds the params set on its estimator: " + back.params());
            loaded.add(back);
        }
        assertEquals(predictions, doubles(predict(loaded), "prediction"), "the loaded pipeline predicts the same");

        // The server's ML cache drops an unused model from memory (after a timeout, or under memory
        // pressure) and keeps its copy on the driver's disk; the next use loads it from there.
        models.forEach(client::evict);
        assertEquals(
                predictions,
                doubles(predict(models), "prediction"),
                "the models reloaded by the server predict the same");
    }

    /** The {@code class} field of a saved stage's metadata, read with {@code spark.read.text}. */
    private static String metadataClass(String stagePath) throws IOException {
        List<Object> lines = client.collect(ConnectClient.read("text", Map.of(), stagePath + "/metadata"))
                .get("value");
        assertEquals(1, lines.size(), "one line of metadata JSON: " + lines);
        Matcher m = Pattern.compile("\"class\":\"([^\"]+)\"").matcher((String) lines.get(0));
        assertTrue(m.find(), "no class in " + lines.get(0));
        return m.group(1);
    }

    @Test
    void aBadParamValueComesBackNamingTheParam() {
        StatusRuntimeException e = assertThrows(
                StatusRuntimeException.class,
                () -> client.fit(
                        CLASSIFIER.estimator(),
                        pythonUid(CLASSIFIER.estimator()),
                        ConnectClient.params(Map.of("spec", "conv(8,5 frobnicate")),
                        sample));
        // The validator's own reason reaches the remote user, not only Spark's "given invalid value".
        assertTrue(
                String.valueOf(e.getMessage()).contains("param spec 'conv(8,5 frobnicate' is not valid: ")
                        && String.valueOf(e.getMessage()).contains("token 1"),
                e.getMessage());
    }
}
