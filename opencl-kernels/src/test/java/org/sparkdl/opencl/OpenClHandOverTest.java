package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.MaxPoolOutput;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.testing.GradientCheck;

/**
 * What crosses between host and device: a convolution followed by max pooling keeps the
 * convolution's output and its gradient on the device, a lost hand-over is detected and redone,
 * and outputs the device writes whole are never uploaded first. pocl's CPU device shares memory
 * with the host, so these tests assert on the transfers the kernels ask Aparapi for (the byte
 * counters) and on results, and fill host scratch with NaN to show what the device never wrote.
 */
class OpenClHandOverTest {
    static OpenClKernels cl;
    /** Register-tiled products asked for more work-groups than they have: k is split. */
    static OpenClKernels split;

    /** im2col + GEMM, the algorithm these kernels run (the CPU's Winograd rounds otherwise). */
    static final CpuKernels CPU = new CpuKernels(1, false);

    @BeforeAll
    static void device() {
        cl = new OpenClKernels();
        split = new OpenClKernels(OpenClKernels.GemmShape.REGISTER_TILED, 64);
    }

    /** One block's inputs and outputs. */
    private record Block(ConvGeometry conv, PoolGeometry pool, float[] x, float[] w, float[] bias, float[] dy) {
        static Block of(int n, int c, int h, int w, int f, int k, int s, int p, int window, int stride) {
            ConvGeometry g = new ConvGeometry(n, c, h, w, f, k, k, s, p);
            PoolGeometry pg = new PoolGeometry(n, f, g.outH(), g.outW(), window, stride);
            return new Block(
                    g,
                    pg,
                    GradientCheck.randn(21, g.inputSize()).data(),
                    GradientCheck.randn(22, g.weightSize()).data(),
                    GradientCheck.randn(23, f).data(),
                    GradientCheck.randn(24, pg.outputSize()).data());
        }

        MaxPoolOutput output() {
            return new MaxPoolOutput(pool, new float[pool.outputSize()], new int[pool.outputSize()]);
        }

        float[] nanScratch() {
            float[] a = new float[conv.outputSize()];
            Arrays.fill(a, Float.NaN);
            return a;
        }
    }

    private static long transferred(OpenClKernels cl) {
        return cl.uploadedBytes() + cl.downloadedBytes();
    }

    private static boolean allNaN(float[] a) {
        for (float v : a) {
            if (!Float.isNaN(v)) {
                return false;
            }
        }
        return true;
    }

    @ParameterizedTest(name = "N={0} C={1} {2}x{3} F={4} k={5} s={6} p={7} maxpool({8},{9}) relu={10}")
    @CsvSource({
        "2,3,9,7,5,3,1,1,2,2,true",
        "2,3,9,7,5,3,1,1,2,2,false",
        "3,2,12,12,17,5,1,2,3,1,true",
        "1,1,7,9,3,2,2,0,2,2,true",
        "4,2,16,16,40,3,1,1,2,2,true"
    })
    void convolutionOutputAndItsGradientStayOnTheDevice(
            int n, int c, int h, int w, int f, int k, int s, int p, int window, int stride, boolean relu) {
        Block b = Block.of(n, c, h, w, f, k, s, p, window, stride);
        for (OpenClKernels kernels : new OpenClKernels[] {cl, split}) {
            staysOnTheDevice(kernels, b, relu);
        }
    }

    private static void staysOnTheDevice(OpenClKernels cl, Block b, boolean relu) {
        ConvGeometry g = b.conv();
        int f = g.outChannels();
        int convOut = g.outputSize();
        float[] cols = new float[0];

        // the same device kernels one call at a time: the conv output goes down and back up
        MaxPoolOutput apart = b.output();
        float[] y = new float[convOut];
        long t0 = transferred(cl);
        cl.convForward(g, b.x(), b.w(), b.bias(), relu, y, cols);
        cl.maxPoolForward(b.pool(), y, apart.y(), apart.argmax());
        long apartForward = transferred(cl) - t0;

        MaxPoolOutput fused = b.output();
        float[] scratch = b.nanScratch();
        long launches = cl.launches();
        long retries = cl.handOverRetries();
        long up = cl.uploadedBytes();
        long down = cl.downloadedBytes();
        cl.convMaxPoolForward(g, b.x(), b.w(), b.bias(), relu, scratch, cols, fused);
        assertEquals(launches + 2, cl.launches(), "a GEMM and a pooling, on OpenCL");
        assertEquals(retries, cl.handOverRetries());
        assertArrayEquals(apart.y(), fused.y(), "pooled output");
        assertArrayEquals(apart.argmax(), fused.argmax(), "argmax");
        assertTrue(allNaN(scratch), "the host scratch is never written: the output stayed on the device");
        int pooled = b.pool().outputSize();
        assertEquals(4L * (b.x().length + b.w().length + f + 1), cl.uploadedBytes() - up, "x, w, bias and the status");
        assertEquals(4L * (2 * pooled + 1), cl.downloadedBytes() - down, "pooled output, argmax and the status");
        assertEquals(
                4L * (2 * convOut - 2),
                apartForward - (cl.uploadedBytes() - up + cl.downloadedBytes() - down),
                "the conv output went neither down nor up (the block moves the status word both ways instead)");

        // backward, from dw and db that already hold something (they accumulate)
        float[] dw1 = GradientCheck.randn(25, g.weightSize()).data();
        float[] db1 = GradientCheck.randn(26, f).data();
        float[] dx1 = new float[g.inputSize()];
        float[] dConv = new float[convOut];
        t0 = transferred(cl);
        cl.maxPoolBackward(b.pool(), b.dy(), apart.argmax(), relu ? apart.y() : null, dConv);
        cl.convBackward(g, b.x(), b.w(), null, dConv, dw1, db1, dx1, cols);
        long apartBackward = transferred(cl) - t0;

        float[] dw2 = GradientCheck.randn(25, g.weightSize()).data();
        float[] db2 = GradientCheck.randn(26, f).data();
        float[] dx2 = new float[g.inputSize()];
        Arrays.fill(dx2, Float.NaN); // written whole by the device
        scratch = b.nanScratch();
        launches = cl.launches();
        t0 = transferred(cl);
        cl.convMaxPoolBackward(g, b.x(), b.w(), relu, fused, b.dy(), scratch, dw2, db2, dx2, cols);
        assertEquals(launches + 4, cl.launches(), "pooling, weight, bias and input gradients");
        assertEquals(retries, cl.handOverRetries());
        assertArrayEquals(dw1, dw2, "dw (accumulated)");
        assertArrayEquals(db1, db2, "db (accumulated)");
        assertArrayEquals(dx1, dx2, "dx");
        assertTrue(allNaN(scratch), "the gradient stayed on the device");
        assertEquals(
                4L * (2 * convOut - 2),
                apartBackward - (transferred(cl) - t0),
                "dy of the convolution went neither way");

        // and against the CPU backend, where the same call runs the two steps on the host
        MaxPoolOutput onCpu = b.output();
        float[] cpuScratch = new float[convOut];
        float[] cpuCols = new float[(int) g.columnBufferSize()];
        CPU.convMaxPoolForward(g, b.x(), b.w(), b.bias(), relu, cpuScratch, cpuCols, onCpu);
        assertClose("pooled output against the CPU", onCpu.y(), fused.y(), 1e-4);
    }

    @Test
    void aLostHandOverIsDetectedAndTheCallRedone() {
        Block b = Block.of(2, 3, 10, 10, 8, 3, 1, 1, 2, 2);
        ConvGeometry g = b.conv();
        float[] cols = new float[0];
        MaxPoolOutput reference = b.output();
        cl.convMaxPoolForward(g, b.x(), b.w(), b.bias(), true, b.nanScratch(), cols, reference);
        float[] dw1 = GradientCheck.randn(27, g.weightSize()).data();
        float[] db1 = new float[g.outChannels()];
        float[] dx1 = new float[g.inputSize()];
        cl.convMaxPoolBackward(g, b.x(), b.w(), true, reference, b.dy(), b.nanScratch(), dw1, db1, dx1, cols);

        long retries = cl.handOverRetries();
        MaxPoolOutput redone = b.output();
        cl.loseNextHandOver = true;
        cl.convMaxPoolForward(g, b.x(), b.w(), b.bias(), true, b.nanScratch(), cols, redone);
        assertEquals(retries + 1, cl.handOverRetries(), "the pooling found another token than the GEMM stored");
        assertArrayEquals(reference.y(), redone.y());
        assertArrayEquals(reference.argmax(), redone.argmax());

        float[] dw2 = GradientCheck.randn(27, g.weightSize()).data();
        float[] db2 = new float[g.outChannels()];
        float[] dx2 = new float[g.inputSize()];
        cl.loseNextHandOver = true;
        cl.convMaxPoolBackward(g, b.x(), b.w(), true, redone, b.dy(), b.nanScratch(), dw2, db2, dx2, cols);
        assertEquals(retries + 2, cl.handOverRetries(), "the weight gradient found another token");
        assertArrayEquals(dw1, dw2, "dw accumulated once, not twice");
        assertArrayEquals(db1, db2, "db accumulated once");
        assertArrayEquals(dx1, dx2);
    }

    @Test
    void outputsTheDeviceWritesWholeAreNotUploaded() {
        PoolGeometry pg = new PoolGeometry(2, 3, 9, 8, 3, 2);
        float[] x = GradientCheck.distinct(28, pg.inputSize()).data();
        float[] y1 = new float[pg.outputSize()];
        int[] a1 = new int[pg.outputSize()];
        CPU.maxPoolForward(pg, x, y1, a1);
        float[] y2 = new float[pg.outputSize()];
        Arrays.fill(y2, Float.NaN);
        int[] a2 = new int[pg.outputSize()];
        Arrays.fill(a2, -1);
        long up = cl.uploadedBytes();
        cl.maxPoolForward(pg, x, y2, a2);
        assertEquals(4L * x.length, cl.uploadedBytes() - up, "only x goes up");
        assertArrayEquals(y1, y2);
        assertArrayEquals(a1, a2);

        ConvGeometry g = new ConvGeometry(2, 3, 9, 7, 5, 3, 3, 1, 1);
        float[] in = GradientCheck.randn(29, g.inputSize()).data();
        float[] w = GradientCheck.randn(30, g.weightSize()).data();
        float[] out1 = new float[g.outputSize()];
        CPU.convForward(g, in, w, null, false, out1, new float[(int) g.columnBufferSize()]);
        float[] out2 = new float[g.outputSize()];
        Arrays.fill(out2, Float.NaN);
        up = cl.uploadedBytes();
        cl.convForward(g, in, w, null, false, out2, new float[0]);
        assertEquals(4L * (in.length + w.length + g.outChannels()), cl.uploadedBytes() - up, "x, w and a zero bias");
        assertClose("conv output written whole", out1, out2, 1e-4);

        // C larger than the product: it goes up, so that what lies outside comes back unchanged
        float[] a = GradientCheck.randn(31, 6 * 4).data();
        float[] bm = GradientCheck.randn(32, 4 * 5).data();
        float[] c = GradientCheck.randn(33, 6 * 5 + 3).data();
        float[] expected = c.clone();
        CPU.sgemm(false, false, 6, 5, 4, 1f, a, 0, bm, 0, 0f, expected, 2);
        up = cl.uploadedBytes();
        cl.sgemm(false, false, 6, 5, 4, 1f, a, 0, bm, 0, 0f, c, 2);
        assertEquals(4L * (a.length + bm.length + c.length), cl.uploadedBytes() - up);
        assertClose("C with an offset", expected, c, 1e-5);

        // one array as both operands: C = A·Aᵀ
        float[] sq1 = new float[36];
        float[] sq2 = new float[36];
        CPU.sgemm(false, true, 6, 6, 4, 1f, a, 0, a, 0, 0f, sq1, 0);
        cl.sgemm(false, true, 6, 6, 4, 1f, a, 0, a, 0, 0f, sq2, 0);
        assertClose("A times its own transpose", sq1, sq2, 1e-5);
    }
}
