package org.sparkdl.core.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.FixtureArchive;
import org.sparkdl.core.testing.GradientCheck;

/** Five steps of every optimizer against PyTorch given the same gradients; state round trips. */
class OptimizerParityTest {
    private static Optimizer create(String name, List<Param> params) {
        return switch (name) {
            case "sgd" -> OptimizerConfig.of("sgd", 0.1).create(params);
            case "momentum" -> OptimizerConfig.of("momentum", 0.1).create(params);
            case "nesterov" -> OptimizerConfig.of("nesterov", 0.1).create(params);
            case "sgd_l2" ->
                OptimizerConfig.of("sgd", 0.1).withPenalties(0, 0.05).create(params);
            case "sgd_l1" ->
                OptimizerConfig.of("sgd", 0.1).withPenalties(0.02, 0).create(params);
            case "adagrad" -> OptimizerConfig.of("adagrad", 0.1).create(params);
            case "rmsprop" -> OptimizerConfig.of("rmsprop", 0.01).create(params);
            case "adam" -> OptimizerConfig.of("adam", 0.01).create(params);
            case "adam_l2" ->
                OptimizerConfig.of("adam", 0.01).withPenalties(0, 0.05).create(params);
            case "adamw" ->
                OptimizerConfig.of("adamw", 0.01).withWeightDecay(0.1).create(params);
            default -> throw new IllegalArgumentException(name);
        };
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sgd",
                "momentum",
                "nesterov",
                "sgd_l2",
                "sgd_l1",
                "adagrad",
                "rmsprop",
                "adam",
                "adam_l2",
                "adamw"
            })
    void fiveStepsMatchPyTorch(String name) {
        FixtureArchive f = FixtureArchive.load("optim_" + name);
        Param w = new Param("weight", f.get("w0"), true);
        Optimizer opt = create(name, List.of(w));
        Tensor grads = f.get("grads");
        Tensor after = f.get("after");
        int size = w.size();
        for (int step = 0; step < grads.dim(0); step++) {
            System.arraycopy(grads.data(), step * size, w.gradData(), 0, size);
            opt.step();
            float[] expected = Arrays.copyOfRange(after.data(), step * size, (step + 1) * size);
            assertClose(name + " step " + (step + 1), expected, w.data(), 1e-4);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"momentum", "adagrad", "rmsprop", "adamw"})
    void stateRestoresToTheSameTrajectory(String name) {
        FixtureArchive f = FixtureArchive.load("optim_" + name);
        Tensor grads = f.get("grads");
        int size = f.get("w0").size();
        Param a = new Param("weight", f.get("w0"), true);
        Optimizer first = create(name, List.of(a));
        for (int s = 0; s < 2; s++) {
            System.arraycopy(grads.data(), s * size, a.gradData(), 0, size);
            first.step();
        }
        Param b = new Param("weight", a.value().copy(), true);
        Optimizer resumed = create(name, List.of(b));
        resumed.loadState(first.state());
        assertEquals(2, resumed.steps());
        for (int s = 2; s < grads.dim(0); s++) {
            System.arraycopy(grads.data(), s * size, a.gradData(), 0, size);
            System.arraycopy(grads.data(), s * size, b.gradData(), 0, size);
            first.step();
            resumed.step();
        }
        assertClose("resumed", a.data(), b.data(), 0);
        assertThrows(IllegalArgumentException.class, () -> resumed.loadState(new float[3]));
    }

    /**
     * Split across two CPU workers (a parameter above the kernels' 2^15-element threshold for
     * parallel loops, one below it), every optimizer steps to the same bits as on one thread.
     */
    @ParameterizedTest
    @ValueSource(strings = {"nesterov", "sgd_l1", "adagrad", "rmsprop", "adam_l2", "adamw"})
    void splitAcrossWorkersStepsToTheSameBits(String name) {
        List<Param> serial = List.of(
                new Param("weight", GradientCheck.randn(1, 70_001), true),
                new Param("bias", GradientCheck.randn(2, 33), false));
        List<Param> split = serial.stream()
                .map(p -> new Param(p.name(), p.value().copy(), p.decayed()))
                .toList();
        Optimizer one = create(name, serial);
        Optimizer two = create(name, split).runOn(new CpuKernels(2));
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < serial.size(); i++) {
                float[] g = GradientCheck.randn(10 + 3 * step + i, serial.get(i).size())
                        .data();
                System.arraycopy(g, 0, serial.get(i).gradData(), 0, g.length);
                System.arraycopy(g, 0, split.get(i).gradData(), 0, g.length);
            }
            one.step();
            two.step();
        }
        for (int i = 0; i < serial.size(); i++) {
            assertArrayEquals(
                    serial.get(i).data(),
                    split.get(i).data(),
                    name + " " + serial.get(i).name());
        }
        assertArrayEquals(one.state(), two.state(), name + " state");
    }

    @ParameterizedTest
    @ValueSource(strings = {"clip_active", "clip_inactive"})
    void gradientClippingMatchesPyTorch(String name) {
        FixtureArchive f = FixtureArchive.load("optim_" + name);
        Param a = new Param("a", f.get("grad_a"), true);
        Param b = new Param("b", f.get("grad_b"), false);
        System.arraycopy(f.get("grad_a").data(), 0, a.gradData(), 0, a.size());
        System.arraycopy(f.get("grad_b").data(), 0, b.gradData(), 0, b.size());
        double norm = GradientClipping.clipGlobalNorm(List.of(a, b), f.scalar("max_norm"));
        assertEquals(f.scalar("norm"), norm, 1e-4 * norm);
        assertClose("clipped a", f.get("clipped_a"), a.grad(), 1e-4);
        assertClose("clipped b", f.get("clipped_b"), b.grad(), 1e-4);
    }

    @Test
    void penaltiesSkipBiases() {
        Param bias = new Param("bias", Tensor.of(new float[] {1f, -1f}, 2), false);
        Optimizer o = OptimizerConfig.of("sgd", 1).withPenalties(0.5, 0.5).create(List.of(bias));
        o.step();
        assertClose("bias untouched by penalties", new float[] {1f, -1f}, bias.data(), 0);
    }

    @Test
    void badHyperParametersAreNamed() {
        List<Param> none = List.of();
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerConfig.of("adamax", 0.1).create(none));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerConfig.of("sgd", -1).create(none));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerConfig.of("sgd", 0.1).withWeightDecay(0.1).create(none));
        assertThrows(
                IllegalArgumentException.class,
                () -> OptimizerConfig.of("momentum", 0.1).withMomentum(1.5).create(none));
    }
}
