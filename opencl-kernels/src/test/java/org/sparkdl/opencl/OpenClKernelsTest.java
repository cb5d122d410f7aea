package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.GradientCheck;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.opencl.OpenClKernels.GemmShape;

/**
 * Every OpenCL kernel against the CPU implementation at sizes that are not multiples of the tile,
 * on a real OpenCL device (pocl's CPU device in CI), asserting that each launch ran on OpenCL.
 */
class OpenClKernelsTest {
    static OpenClKernels cl;
    static List<OpenClKernels> gemmShapes;
    /** im2col + GEMM, the algorithm these kernels run (the CPU's Winograd rounds otherwise). */
    static final CpuKernels CPU = new CpuKernels(1, false);

    @BeforeAll
    static void device() {
        cl = new OpenClKernels(); // throws, failing the class, when no OpenCL device exists
        System.out.println("OpenCL device: " + cl.deviceName());
        gemmShapes = List.of(
                new OpenClKernels(GemmShape.SIMPLE, 0),
                new OpenClKernels(GemmShape.REGISTER_TILED, 0),
                // asks for more work-groups than these small products have 128×128 blocks: k is split
                new OpenClKernels(GemmShape.REGISTER_TILED, 64));
    }

    /** float32 sums of k products taken in another order differ by about sqrt(k) roundings. */
    private static double sumTolerance(int k) {
        return 1e-4 * Math.max(1, Math.sqrt(k / 64.0));
    }

    private void ranOnOpenCl(long before, int expected) {
        ranOnOpenCl(cl, before, expected);
    }

    private static void ranOnOpenCl(OpenClKernels kernels, long before, int expected) {
        assertEquals(before + expected, kernels.launches(), "launches that ran on OpenCL");
    }

    @ParameterizedTest(name = "gemm transA={0} transB={1} {2}x{3}x{4} beta={5}")
    @CsvSource({
        "false,false,17,19,23,0",
        "true,false,17,19,23,0.5",
        "false,true,33,7,40,1",
        "true,true,5,31,18,0",
        "false,false,1,1,1,0",
        "false,false,131,150,600,0",
        "true,false,140,33,700,1",
        "false,true,33,257,530,0.5",
        "true,true,129,129,17,0"
    })
    void gemm(boolean ta, boolean tb, int m, int n, int k, float beta) {
        float[] a = GradientCheck.randn(1, m * k + 3).data();
        float[] b = GradientCheck.randn(2, k * n + 2).data();
        float[] c1 = GradientCheck.randn(3, m * n + 1).data();
        CPU.sgemm(ta, tb, m, n, k, 0.7f, a, 3, b, 2, beta, c1, 1);
        double rtol = sumTolerance(k);
        for (OpenClKernels shape : gemmShapes) {
            float[] c2 = GradientCheck.randn(3, m * n + 1).data();
            long before = shape.launches();
            shape.sgemm(ta, tb, m, n, k, 0.7f, a, 3, b, 2, beta, c2, 1);
            ranOnOpenCl(shape, before, 1);
            assertClose("C", c1, c2, rtol);
        }
    }

    @ParameterizedTest(name = "conv N={0} C={1} {2}x{3} F={4} k={5} s={6} p={7}")
    @CsvSource({
        "2,3,9,7,5,3,1,1",
        "2,2,8,8,4,5,1,2",
        "1,3,11,10,3,3,2,1",
        "2,2,8,7,3,2,3,0",
        "3,1,12,12,17,5,1,2",
        "5,3,17,15,37,3,1,1",
        "4,2,40,40,3,3,1,1"
    })
    void convolution(int n, int c, int h, int w, int f, int k, int s, int p) {
        for (OpenClKernels shape : gemmShapes) {
            convolutionMatchesTheCpu(shape, n, c, h, w, f, k, s, p);
        }
    }

    private static void convolutionMatchesTheCpu(
            OpenClKernels cl, int n, int c, int h, int w, int f, int k, int s, int p) {
        ConvGeometry g = new ConvGeometry(n, c, h, w, f, k, k, s, p);
        float[] x = GradientCheck.randn(4, g.inputSize()).data();
        float[] wt = GradientCheck.randn(5, g.weightSize()).data();
        float[] bias = GradientCheck.randn(6, f).data();
        float[] dy = GradientCheck.randn(7, g.outputSize()).data();
        float[] cols = new float[(int) g.columnBufferSize()];

        for (boolean relu : new boolean[] {false, true}) {
            String what = relu ? " (ReLU fused)" : "";
            float[] y1 = new float[g.outputSize()];
            float[] y2 = new float[g.outputSize()];
            CPU.convForward(g, x, wt, bias, relu, y1, cols);
            long before = cl.launches();
            cl.convForward(g, x, wt, bias, relu, y2, cols);
            ranOnOpenCl(cl, before, 1);
            assertClose("y" + what, y1, y2, 1e-4);
            float[] mask = relu ? y1 : null; // the same rectified output on both sides

            // Weight and bias gradients alone (a first layer), accumulated into what dw holds.
            float[] dw1 = GradientCheck.randn(8, g.weightSize()).data();
            float[] dw2 = dw1.clone();
            float[] db1 = new float[f];
            float[] db2 = new float[f];
            CPU.convBackward(g, x, wt, mask, dy, dw1, db1, null, cols);
            before = cl.launches();
            cl.convBackward(g, x, wt, mask, dy, dw2, db2, null, cols);
            ranOnOpenCl(cl, before, 2);
            double sumTol = sumTolerance(g.columns()); // dw and db sum N·P products
            assertClose("dw (accumulated)" + what, dw1, dw2, sumTol);
            assertClose("db" + what, db1, db2, sumTol);

            // All three.
            float[] dx1 = new float[g.inputSize()];
            float[] dx2 = new float[g.inputSize()];
            CPU.convBackward(g, x, wt, mask, dy, dw1, db1, dx1, cols);
            before = cl.launches();
            cl.convBackward(g, x, wt, mask, dy, dw2, db2, dx2, cols);
            ranOnOpenCl(cl, before, 3);
            assertClose("dw, twice accumulated" + what, dw1, dw2, sumTol);
            // dx sums F·KH·KW products (333 in the 37-filter row, where pocl 3.1's order of them
            // differs from BLAS's by 1.3e-4 relative at a near-zero element)
            assertClose("dx" + what, dx1, dx2, sumTolerance(g.outChannels() * g.kernelH() * g.kernelW()));
        }
    }

    @ParameterizedTest(name = "pool N={0} C={1} {2}x{3} k={4} s={5}")
    @CsvSource({"3,5,9,8,3,2", "2,3,8,8,2,2", "1,2,7,9,3,1"})
    void pooling(int n, int c, int h, int w, int k, int s) {
        PoolGeometry g = new PoolGeometry(n, c, h, w, k, s);
        float[] x = GradientCheck.distinct(9, g.inputSize()).data();
        float[] dy = GradientCheck.randn(10, g.outputSize()).data();
        float[] y1 = new float[g.outputSize()];
        float[] y2 = new float[g.outputSize()];
        int[] a1 = new int[g.outputSize()];
        int[] a2 = new int[g.outputSize()];
        long before = cl.launches();
        CPU.maxPoolForward(g, x, y1, a1);
        cl.maxPoolForward(g, x, y2, a2);
        assertClose("max", y1, y2, 0);
        assertEquals(java.util.Arrays.toString(a1), java.util.Arrays.toString(a2));
        float[] dx1 = new float[g.inputSize()];
        float[] dx2 = new float[g.inputSize()];
        CPU.maxPoolBackward(g, dy, a1, null, dx1);
        cl.maxPoolBackward(g, dy, a2, null, dx2);
        assertClose("max backward", dx1, dx2, 1e-5);
        float[] rectified = y1.clone(); // as if a ReLU came first: zero out some maxima
        for (int i = 0; i < rectified.length; i += 3) {
            rectified[i] = 0f;
        }
        CPU.maxPoolBackward(g, dy, a1, rectified, dx1);
        cl.maxPoolBackward(g, dy, a2, rectified, dx2);
        assertClose("max backward, ReLU's mask", dx1, dx2, 1e-5);
        CPU.avgPoolForward(g, x, y1);
        cl.avgPoolForward(g, x, y2);
        assertClose("avg", y1, y2, 1e-5);
        CPU.avgPoolBackward(g, dy, dx1);
        cl.avgPoolBackward(g, dy, dx2);
        assertClose("avg backward", dx1, dx2, 1e-5);
        ranOnOpenCl(before, 5);
    }

    @Test
    void sizesAreCheckedBeforeLaunching() {
        long before = cl.launches();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> cl.sgemm(false, false, 4, 4, 4, 1f, new float[15], 0, new float[16], 0, 0f, new float[16], 0));
        assertTrue(e.getMessage().contains("gemm A"), e.getMessage());
        ConvGeometry g = new ConvGeometry(2, 1, 5, 5, 2, 3, 3, 1, 1);
        assertThrows(
                IllegalArgumentException.class,
                () -> cl.convForward(
                        g,
                        new float[g.inputSize() - 1],
                        new float[g.weightSize()],
                        null,
                        false,
                        new float[g.outputSize()],
                        new float[0]));
        assertEquals(before, cl.launches(), "nothing may be launched with a wrong size");
    }

    @Test
    void trainingStepsMatchTheCpuBackend() {
        String spec =
                "conv(6,3,pad=1) relu maxpool(2) conv(5,3,stride=2,pad=1) tanh avgpool(2,stride=1) flatten dense(4)";
        Sequential onCpu = ModelSpec.parse(spec).build(new int[] {2, 10, 10}, CPU, 3);
        Sequential onCl = ModelSpec.parse(spec).build(new int[] {2, 10, 10}, cl, 3);
        Trainer a = new Trainer(
                onCpu,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 0.01).create(onCpu.params()),
                LearningRateSchedule.constant(0.01),
                0);
        Trainer b = new Trainer(
                onCl,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 0.01).create(onCl.params()),
                LearningRateSchedule.constant(0.01),
                0);
        Tensor x = GradientCheck.randn(11, 6, 2, 10, 10);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 3, 1, 2}, 6);
        for (int step = 0; step < 4; step++) {
            float la = a.step(x, y);
            float lb = b.step(x, y);
            assertEquals(la, lb, 1e-4 * Math.abs(la), "loss at step " + step);
        }
        assertClose("weights after 4 steps", onCpu.state(), onCl.state(), 1e-3);
    }

    @Test
    void backendSelectionFindsTheDevice() {
        Backends.Choice c = Backends.choose("opencl", 1);
        assertEquals("opencl", c.backend());
        assertTrue(c.create() instanceof OpenClKernels);
        Backends.Choice auto = Backends.choose("auto", 1);
        if (!new OpenClKernelsProvider().probe().gpu()) {
            assertEquals("cpu", auto.backend(), "auto must only pick OpenCL on a GPU");
            assertTrue(auto.reason().contains("not a GPU") || auto.reason().contains("pocl, a CPU one"), auto.reason());
        }
    }

    /** auto does not load a CPU-only OpenCL driver: the ICD files say whether a GPU driver exists. */
    @Test
    void autoSkipsProbingWhenOnlyPoclIsInstalled(@org.junit.jupiter.api.io.TempDir java.nio.file.Path vendors)
            throws java.io.IOException {
        OpenClKernelsProvider p = new OpenClKernelsProvider();
        String old = System.getProperty("sparkdl.opencl.vendors");
        try {
            System.setProperty("sparkdl.opencl.vendors", vendors.toString());
            assertTrue(p.noGpuDriver().contains("no OpenCL driver"), p.noGpuDriver());
            java.nio.file.Files.writeString(vendors.resolve("pocl.icd"), "libpocl.so.2.10.0\n");
            assertTrue(p.noGpuDriver().contains("pocl, a CPU one"), p.noGpuDriver());
            java.nio.file.Files.writeString(vendors.resolve("nvidia.icd"), "libnvidia-opencl.so.1\n");
            assertEquals(null, p.noGpuDriver(), "a GPU driver is installed: auto probes");
        } finally {
            if (old == null) {
                System.clearProperty("sparkdl.opencl.vendors");
            } else {
                System.setProperty("sparkdl.opencl.vendors", old);
            }
        }
    }
}
