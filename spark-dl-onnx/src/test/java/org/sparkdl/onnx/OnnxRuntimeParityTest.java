package org.sparkdl.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.onnx.proto.OnnxProto;
import org.sparkdl.onnx.testing.OnnxRuntimeScoring;

/**
 * The exported file scored by ONNX Runtime gives the network's own outputs on the same batch,
 * within {@value #RTOL} relative to the largest output of each sample ({@link
 * OnnxRuntimeScoring#maxRelativeError}). Networks are trained two SGD steps first, so batch
 * normalisation's running statistics and every weight are away from their initial values;
 * sequence batches have lengths from 1 to T.
 */
class OnnxRuntimeParityTest {
    static final double RTOL = 1e-5;
    private static final int BATCH = 6;

    @ParameterizedTest
    @ValueSource(
            strings = {
                // fused conv+relu+maxpool, batchnorm on images and on vectors, every activation, layernorm, dropout
                "conv(6,3,pad=1) relu maxpool(2) batchnorm conv(8,3,stride=2,pad=1) elu(0.5) avgpool(2) flatten"
                        + " dense(24) batchnorm layernorm gelu dropout(0.3) dense(16) leakyrelu(0.1) dense(12) sigmoid"
                        + " dense(12) tanh dense(10)",
                "conv(4,5,pad=2) relu maxpool(2) conv(8,5,pad=2) relu maxpool(2) flatten dense(32) relu dense(10)",
                "conv(4,3) relu conv(4,3) maxpool(2,stride=1) flatten dense(10)",
                // DINO's head ends
                "conv(4,3) relu flatten dense(16) l2norm prototypes(10)"
            })
    void imageNetworkMatches(String spec) throws OrtException {
        Sequential net = trained(spec, new int[] {1, 12, 12}, null);
        float[] x = random(BATCH * 144, 1);
        Map<String, float[]> onnx = score(net, x, null, null);
        Tensor logits = net.forward(Tensor.of(x, BATCH, 1, 12, 12), false);
        assertParity(spec, logits.data(), onnx.get("logits"), logits.sampleSize());
        float[] p = onnx.get("probability");
        for (int i = 0; i < BATCH; i++) {
            double sum = 0;
            for (int j = 0; j < 10; j++) {
                sum += p[i * 10 + j];
            }
            assertEquals(1.0, sum, 1e-5, "the softmax output of sample " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "lstm(12) last dense(5)",
                "lstm(10,layers=2,bidirectional=true) last dense(5)",
                "gru(10) last dense(5)",
                "gru(8,layers=2,bidirectional=true) last dense(5)",
                "rnn(9) last dense(5)",
                "rnn(7,layers=2,bidirectional=true,dropout=0.2) last dense(5)",
                // per-step output: padded steps are 0 in both
                "lstm(6,bidirectional=true) dense(4)",
                "gru(6) tanh dense(3) layernorm"
            })
    void sequenceNetworkMatches(String spec) throws OrtException {
        int steps = 7;
        int features = 4;
        int[] lengths = {7, 1, 3, 7, 5, 2};
        Sequential net = trained(spec, new int[] {steps, features}, lengths);
        float[] x = padded(random(BATCH * steps * features, 2), lengths, steps, features);
        Map<String, float[]> onnx = score(net, x, lengths, null);
        Tensor out = net.forward(Tensor.of(x, BATCH, steps, features).withLengths(lengths), false);
        assertParity(spec, out.data(), onnx.get("logits"), out.sampleSize());
    }

    @Test
    void tokenNetworkMatches() throws OrtException {
        String spec = "embedding(6,vocab=20) gru(8,layers=2) dense(20)";
        int steps = 5;
        int[] lengths = {5, 2, 4, 1, 5, 3};
        Sequential net = trained(spec, new int[] {steps}, lengths);
        SplittableRandom rng = new SplittableRandom(3);
        long[] ids = new long[BATCH * steps];
        float[] asFloats = new float[ids.length];
        for (int i = 0; i < BATCH; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                ids[i * steps + t] = rng.nextInt(20);
                asFloats[i * steps + t] = ids[i * steps + t];
            }
        }
        Map<String, float[]> onnx = score(net, null, lengths, ids);
        Tensor out = net.forward(Tensor.of(asFloats, BATCH, steps).withLengths(lengths), false);
        assertParity(spec, out.data(), onnx.get("logits"), out.sampleSize());
    }

    @Test
    void declaresNamedInputsWithABatchDimension() throws Exception {
        OnnxProto.ModelProto image = OnnxProto.ModelProto.parseFrom(
                OnnxExport.of(trained("conv(2,3) flatten dense(3)", new int[] {1, 5, 5}, null))
                        .toBytes());
        assertEquals(OnnxExport.OPSET, image.getOpsetImport(0).getVersion());
        OnnxProto.ValueInfoProto in = image.getGraph().getInput(0);
        assertEquals("features", in.getName());
        assertEquals("batch", in.getType().getTensorType().getShape().getDim(0).getDimParam());
        assertEquals(25, in.getType().getTensorType().getShape().getDim(1).getDimValue());
        assertEquals("logits", image.getGraph().getOutput(0).getName());
        assertEquals(
                "conv(2,3) flatten dense(3)", image.getMetadataProps(0).getValue(), "the spec travels in the metadata");

        OnnxProto.ModelProto tokens = OnnxProto.ModelProto.parseFrom(
                OnnxExport.of(trained("embedding(4,vocab=9) lstm(3) last dense(2)", new int[] {6}, null))
                        .toBytes());
        List<String> names = tokens.getGraph().getInputList().stream()
                .map(OnnxProto.ValueInfoProto::getName)
                .toList();
        assertEquals(List.of("lengths", "features"), names);
        assertEquals(
                OnnxProto.TensorProto.DataType.INT64_VALUE,
                tokens.getGraph().getInput(1).getType().getTensorType().getElemType());
    }

    @Test
    void anUnsupportedLayerIsAnErrorNamingIt() {
        Layer mystery = new Layer() {
            @Override
            public Tensor forward(Tensor x, boolean training) {
                return x;
            }

            @Override
            public Tensor backward(Tensor gradOut) {
                return gradOut;
            }

            @Override
            public int[] outputShape(int[] inputShape) {
                return inputShape;
            }

            @Override
            public String describe() {
                return "mystery(3)";
            }
        };
        List<Layer> layers =
                ModelSpec.parse("dense(4) relu").buildLayers(new int[] {3}, new CpuKernels(), Initializer.HE_NORMAL, 1);
        Sequential net = new Sequential(new int[] {3}, List.of(layers.get(0), mystery, layers.get(1)));
        UnsupportedLayerException e = assertThrows(
                UnsupportedLayerException.class, () -> OnnxExport.of(net).toBytes());
        assertEquals("mystery(3)", e.layer());
        assertTrue(e.getMessage().startsWith("cannot export layer 1 'mystery(3)'"), e.getMessage());
        assertTrue(e.getMessage().contains("conv") && e.getMessage().contains("lstm"), e.getMessage());
    }

    @Test
    void saveNeverReplacesAFileUnlessAskedTo(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("model.onnx");
        java.nio.file.Files.writeString(file, "mine");
        OnnxExport export = OnnxExport.of(trained("dense(2)", new int[] {3}, null));
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> export.save(file, false));
        assertEquals("mine", java.nio.file.Files.readString(file));
        export.save(file, true);
        assertArrayEquals(export.toBytes(), java.nio.file.Files.readAllBytes(file));
    }

    /** The spec's network after two SGD steps (training forwards move BatchNorm's running statistics). */
    static Sequential trained(String spec, int[] shape, int[] lengths) {
        Sequential net = ModelSpec.parse(spec).build(shape, new CpuKernels(), 7);
        int size = Shapes.size(shape);
        for (int step = 0; step < 2; step++) {
            float[] x = random(BATCH * size, 10 + step);
            if (shape.length == 1 && spec.startsWith("embedding")) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = Math.abs(x[i] * 1000) % 9; // token ids below every test's vocabulary
                    x[i] = (float) Math.floor(x[i]);
                }
            }
            Tensor in = Tensor.of(x, Shapes.withBatch(BATCH, shape)).withLengths(lengths);
            Tensor out = net.forward(in, true);
            net.zeroGrad();
            net.backward(Tensor.of(random(out.size(), 20 + step), out.shape()));
            for (Param p : net.params()) {
                for (int i = 0; i < p.size(); i++) {
                    p.data()[i] -= 0.05f * p.gradData()[i];
                }
            }
        }
        return net;
    }

    /**
     * Scores one batch in ONNX Runtime: float features, or int64 token ids; lengths for a sequence
     * model. Returns every output by name, flat.
     */
    static Map<String, float[]> score(Sequential net, float[] features, int[] lengths, long[] ids) throws OrtException {
        int[] shape = net.inputShape();
        long[] dims =
                shape.length == 2 ? new long[] {BATCH, shape[0], shape[1]} : new long[] {BATCH, Shapes.size(shape)};
        try (OnnxRuntimeScoring ort = new OnnxRuntimeScoring()) {
            if (ids != null) {
                ort.longs("features", ids, dims);
            } else {
                ort.floats("features", features, dims);
            }
            if (lengths != null) {
                ort.ints("lengths", lengths, BATCH);
            }
            return ort.run(OnnxExport.of(net).withSoftmax("probability").toBytes());
        }
    }

    static void assertParity(String what, float[] expected, float[] actual, int perSample) {
        assertEquals(expected.length, actual.length, what + ": output size");
        double err = OnnxRuntimeScoring.maxRelativeError(expected, actual, perSample);
        System.out.printf("ONNX parity %-100s max relative error %.2e%n", what, err);
        assertTrue(err <= RTOL, what + ": max relative error " + err + " > " + RTOL);
    }

    static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** {@code x}[N, T, F] with the steps past each length set to 0, as Spark pads them. */
    static float[] padded(float[] x, int[] lengths, int steps, int features) {
        for (int i = 0; i < lengths.length; i++) {
            java.util.Arrays.fill(x, (i * steps + lengths[i]) * features, (i + 1) * steps * features, 0f);
        }
        return x;
    }
}
