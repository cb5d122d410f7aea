package org.sparkdl.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.onnx.testing.OnnxRuntimeScoring;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.compat.ScalaCollections;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.rnn.RNNSequencerModel;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel;
import org.sparkdl.spark.ml.util.ExportsOnnx;

/**
 * Each model family's {@code exportOnnx} file, scored by ONNX Runtime on the rows a model
 * transforms, gives the model's own output columns within 1e-5 relative; an existing file is
 * replaced only when asked.
 */
class OnnxExportTest {
    private static final double RTOL = 1e-5;
    private static final int ROWS = 5;

    @TempDir
    Path tmp;

    @Test
    void cnnModelFileGivesTheModelsLogitsAndProbabilities() throws Exception {
        String spec = "conv(4,3,pad=1) relu maxpool(2) batchnorm flatten dense(6)";
        CNNClassificationModel model = new CNNClassificationModel("cnn", state(spec, new int[] {1, 6, 6}));
        model.set(model.spec(), spec);
        model.set(model.inputShape(), "1,6,6");
        assertImageModelFileMatches(model, Map.of("rawPrediction", "logits", "probability", "probability"));
    }

    @Test
    void rnnModelFileGivesTheModelsLogitsForVariableLengths() throws Exception {
        String spec = "lstm(5,bidirectional=true) last dense(3)";
        int steps = 6;
        RNNSequencerModel model = new RNNSequencerModel("rnn", state(spec, new int[] {steps, 2}), null);
        model.setSpec(spec).setSequenceShape(steps + ",2");
        int[] lengths = {6, 1, 4, 2, 6};
        float[] x = random(ROWS * steps * 2, 2);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            List<scala.collection.immutable.List<Object>> seq = new ArrayList<>();
            for (int t = 0; t < steps; t++) {
                if (t >= lengths[i]) {
                    x[(i * steps + t) * 2] = 0f; // padding, as the model pads
                    x[(i * steps + t) * 2 + 1] = 0f;
                    continue;
                }
                seq.add(ScalaCollections.toScala(List.<Object>of(
                        (double) x[(i * steps + t) * 2], (double) x[(i * steps + t) * 2 + 1])));
            }
            rows.add(RowFactory.create(ScalaCollections.toScala(seq)));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)));
        Dataset<Row> out = model.transform(SparkTestSession.get().createDataFrame(rows, schema));
        String file = tmp.resolve("rnn.onnx").toString();
        model.exportOnnx(file);
        try (OnnxRuntimeScoring ort = new OnnxRuntimeScoring()) {
            Map<String, float[]> onnx = ort.floats("features", x, ROWS, steps, 2)
                    .ints("lengths", lengths, ROWS)
                    .run(Files.readAllBytes(Path.of(file)));
            assertClose(column(out, "rawPrediction"), onnx.get("logits"), 3);
        }
    }

    @Test
    void pretrainedEncoderFileGivesTheEmbeddings() throws Exception {
        String spec = "conv(3,3) relu avgpool(2) flatten dense(8)";
        ContrastivePretrainerModel model = new ContrastivePretrainerModel("enc", state(spec, new int[] {1, 6, 6}));
        model.set(model.spec(), spec);
        model.set(model.inputShape(), "1,6,6");
        assertImageModelFileMatches(model, Map.of("embedding", "embedding"));
    }

    /**
     * Transforms rows of 1×6×6 images with {@code model} and scores them in its exported file: each
     * column of {@code outputs} matches the ONNX output it names.
     */
    private <M extends Transformer & ExportsOnnx> void assertImageModelFileMatches(M model, Map<String, String> outputs)
            throws Exception {
        float[] x = random(ROWS * 36, 1);
        Dataset<Row> out = model.transform(vectors(x, 36));
        Path file = tmp.resolve(model.uid() + ".onnx");
        model.exportOnnx(file.toString());
        try (OnnxRuntimeScoring ort = new OnnxRuntimeScoring()) {
            Map<String, float[]> onnx = ort.floats("features", x, ROWS, 36).run(Files.readAllBytes(file));
            for (Map.Entry<String, String> e : outputs.entrySet()) {
                float[] expected = column(out, e.getKey());
                assertClose(expected, onnx.get(e.getValue()), expected.length / ROWS);
            }
        }
    }

    @Test
    void anExistingFileIsReplacedOnlyWhenAsked() throws Exception {
        String spec = "dense(2)";
        CNNClassificationModel model = new CNNClassificationModel("small", state(spec, new int[] {3}));
        model.set(model.spec(), spec);
        model.set(model.inputShape(), "3");
        Path file = Files.writeString(tmp.resolve("mine.onnx"), "mine");
        var e = assertThrows(IllegalArgumentException.class, () -> model.exportOnnx(file.toString()));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("mine", Files.readString(file));
        model.exportOnnx(file.toString(), true);
        assertArrayEquals(model.onnxExport().toBytes(), Files.readAllBytes(file));
    }

    /** A freshly initialised network's state for {@code spec}. */
    private static float[] state(String spec, int[] shape) {
        return ModelSpec.parse(spec).build(shape, new CpuKernels(), 11).state();
    }

    private static Dataset<Row> vectors(float[] x, int width) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length / width; i++) {
            double[] v = new double[width];
            for (int j = 0; j < width; j++) {
                v[j] = x[i * width + j];
            }
            rows.add(RowFactory.create(Vectors.dense(v)));
        }
        StructType schema = new StructType().add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType());
        return SparkTestSession.get().createDataFrame(rows, schema);
    }

    /** A vector column of every row, in order, flat. */
    private static float[] column(Dataset<Row> out, String name) {
        List<Row> rows = out.select(name).collectAsList();
        int width = ((Vector) rows.get(0).get(0)).size();
        float[] flat = new float[rows.size() * width];
        for (int i = 0; i < rows.size(); i++) {
            double[] v = ((Vector) rows.get(i).get(0)).toArray();
            for (int j = 0; j < width; j++) {
                flat[i * width + j] = (float) v[j];
            }
        }
        return flat;
    }

    private static void assertClose(float[] spark, float[] onnx, int perSample) {
        double err = OnnxRuntimeScoring.maxRelativeError(spark, onnx, perSample);
        assertTrue(err <= RTOL, "max relative error " + err);
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }
}
