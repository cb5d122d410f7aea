package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.FixtureArchive;

/**
 * Every layer against PyTorch: the same input and weights give the same output, input gradient
 * and weight gradients within 1e-4 relative (fixtures from src/test/python/generate_fixtures.py).
 */
class LayerParityTest {
    static final double RTOL = 1e-4;
    private final Kernels kernels = new CpuKernels();

    /** Loads weights, runs forward and backward, compares y, dx and each parameter gradient. */
    private static void compare(FixtureArchive f, Layer layer, Function<Tensor, Tensor> forward) {
        for (Param p : layer.params()) {
            System.arraycopy(f.get(p.name()).data(), 0, p.data(), 0, p.size());
            p.zeroGrad();
        }
        Tensor y = forward.apply(f.get("x"));
        assertClose("y", f.get("y"), y, RTOL);
        Tensor dx = layer.backward(f.get("dy"));
        assertClose("dx", f.get("dx"), dx, RTOL);
        for (Param p : layer.params()) {
            assertClose("d" + p.name(), f.get("d" + p.name()), p.grad(), RTOL);
        }
    }

    private static void compare(FixtureArchive f, Layer layer) {
        compare(f, layer, x -> layer.forward(x, true));
    }

    @Test
    void dense() {
        compare(FixtureArchive.load("layer_dense"), new Dense(kernels, 5, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv_k3_s2_p1", "conv_k5_s1_p2", "conv_k3_s1_p0", "conv_k2_s3_p0"})
    void conv(String name) {
        FixtureArchive f = FixtureArchive.load("layer_" + name);
        int[] c = f.ints("config");
        int inChannels = f.get("x").dim(1);
        compare(f, new Conv2d(kernels, inChannels, c[0], c[1], c[1], c[2], c[3]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"maxpool_k2", "maxpool_k3_s2", "avgpool_k2", "avgpool_k3_s2"})
    void pooling(String name) {
        FixtureArchive f = FixtureArchive.load("layer_" + name);
        int[] c = f.ints("config");
        Pool2d.Kind kind = name.startsWith("max") ? Pool2d.Kind.MAX : Pool2d.Kind.AVG;
        compare(f, new Pool2d(kernels, kind, c[0], c[1]));
    }

    @Test
    void dropoutReplaysTorchMask() {
        FixtureArchive f = FixtureArchive.load("layer_dropout");
        Dropout d = new Dropout(f.scalar("config"), 0);
        float[] mask = f.get("mask").data();
        compare(f, d, x -> d.forwardWithMask(x, mask));
    }

    @ParameterizedTest
    @ValueSource(strings = {"batchnorm1d_train", "batchnorm2d_train"})
    void batchNormTraining(String name) {
        FixtureArchive f = FixtureArchive.load("layer_" + name);
        BatchNorm bn = new BatchNorm(f.get("gamma").size(), 0.1f, 1e-5f);
        loadRunning(f, bn);
        compare(f, bn);
        assertClose("running_mean", f.get("running_mean"), bn.runningMean(), RTOL);
        assertClose("running_var", f.get("running_var"), bn.runningVar(), RTOL);
    }

    @Test
    void batchNormInference() {
        FixtureArchive f = FixtureArchive.load("layer_batchnorm2d_eval");
        BatchNorm bn = new BatchNorm(2, 0.1f, 1e-5f);
        loadRunning(f, bn);
        compare(f, bn, x -> bn.forward(x, false));
        assertClose("running_mean unchanged", f.get("running_mean0"), bn.runningMean(), 0);
    }

    private static void loadRunning(FixtureArchive f, BatchNorm bn) {
        System.arraycopy(
                f.get("running_mean0").data(),
                0,
                bn.runningMean().data(),
                0,
                bn.runningMean().size());
        System.arraycopy(
                f.get("running_var0").data(),
                0,
                bn.runningVar().data(),
                0,
                bn.runningVar().size());
    }

    @Test
    void layerNorm() {
        FixtureArchive f = FixtureArchive.load("layer_layernorm");
        compare(f, new LayerNorm(new int[] {2, 3, 3}, 1e-5f));
    }

    @Test
    void l2Normalize() {
        compare(FixtureArchive.load("layer_l2norm"), new L2Normalize());
    }

    @Test
    void prototypes() {
        FixtureArchive f = FixtureArchive.load("layer_prototypes");
        compare(f, new Prototypes(kernels, 5, 4));
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "leakyrelu", "elu", "gelu", "sigmoid", "tanh"})
    void activation(String name) {
        FixtureArchive f = FixtureArchive.load("layer_act_" + name);
        String token = switch (name) {
            case "leakyrelu" -> "leakyrelu(0.1)";
            case "elu" -> "elu(1.0)";
            default -> name;
        };
        Layer a =
                ModelSpec.parse(token).build(new int[] {7}, kernels, 0).layers().get(0);
        assertEquals(token.replace("(0.1)", "(0.1)"), a.describe());
        compare(f, a);
    }
}
