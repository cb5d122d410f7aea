package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.GradientCheck;

/** Activations split across the kernels' workers give exactly what one thread gives. */
class ActivationWorkersTest {
    @Test
    void splitLoopsMatchTheSerialOnes() {
        CpuKernels workers = new CpuKernels(2);
        // large enough to be split (CpuKernels splits element loops from 32 768 elements on)
        Tensor x = GradientCheck.randn(1, 3, 50_000);
        Tensor g = GradientCheck.randn(2, 3, 50_000);
        List<Activation[]> pairs = List.of(
                new Activation[] {new Activation.ReLU(), new Activation.ReLU().on(workers)},
                new Activation[] {new Activation.LeakyReLU(0.1f), new Activation.LeakyReLU(0.1f).on(workers)},
                new Activation[] {new Activation.GELU(), new Activation.GELU().on(workers)},
                new Activation[] {new Activation.Tanh(), new Activation.Tanh().on(workers)});
        for (Activation[] pair : pairs) {
            String name = pair[0].describe();
            assertArrayEquals(
                    pair[0].forward(x, true).data(), pair[1].forward(x, true).data(), 0f, name + " forward");
            assertArrayEquals(pair[0].backward(g).data(), pair[1].backward(g).data(), 0f, name + " backward");
        }
    }
}
