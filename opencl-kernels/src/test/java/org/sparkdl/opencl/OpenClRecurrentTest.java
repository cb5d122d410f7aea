package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;

/** The recurrent layers' products run on the OpenCL kernels too, with the CPU's results. */
class OpenClRecurrentTest {
    private static final String SPEC = "lstm(16, bidirectional=true) last dense(3)";
    private static final int[] SHAPE = {6, 4};

    private static Sequential model(Kernels kernels) {
        return ModelSpec.parse(SPEC).build(SHAPE, kernels, 5);
    }

    @Test
    void aBidirectionalLstmWithLengthsMatchesTheCpu() {
        OpenClKernels cl = new OpenClKernels(); // throws, failing the test, when no OpenCL device exists
        SplittableRandom rng = new SplittableRandom(2);
        float[] x = new float[5 * 6 * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        int[] lengths = {6, 2, 4, 1, 5};
        float[] g = new float[5 * 3];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) rng.nextDouble(-1, 1);
        }
        Sequential cpu = model(new CpuKernels(1, false));
        Sequential gpu = model(cl);
        long before = cl.uploadedBytes();
        Tensor yc = cpu.forward(Tensor.of(x.clone(), 5, 6, 4).withLengths(lengths), true);
        Tensor yg = gpu.forward(Tensor.of(x.clone(), 5, 6, 4).withLengths(lengths), true);
        assertClose("outputs", yc.data(), yg.data(), 1e-4);
        cpu.backward(Tensor.of(g.clone(), 5, 3));
        gpu.backward(Tensor.of(g.clone(), 5, 3));
        for (int p = 0; p < cpu.params().size(); p++) {
            assertClose(
                    "gradient of " + cpu.params().get(p).name(),
                    cpu.params().get(p).gradData(),
                    gpu.params().get(p).gradData(),
                    1e-4);
        }
        assertTrue(cl.uploadedBytes() > before, "the products ran on the OpenCL device");
    }
}
