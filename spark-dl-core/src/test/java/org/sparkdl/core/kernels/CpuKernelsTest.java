package org.sparkdl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.testing.GradientCheck;

/** The CPU kernels against naive reference loops, single- and multi-threaded, at odd sizes. */
class CpuKernelsTest {
    @ParameterizedTest(name = "gemm transA={0} transB={1} {2}x{3}x{4} threads={5}")
    @CsvSource({
        "false,false,7,5,3,1",
        "true,false,7,5,3,1",
        "false,true,13,1,9,1",
        "true,true,4,17,6,1",
        "false,false,1,1,1,1",
        // from 2^20 multiply-adds on two threads: split by C's columns where it is wider than tall,
        // by its rows otherwise, with every transposition
        "false,false,33,131,257,2",
        "true,false,33,131,257,2",
        "false,true,33,131,257,2",
        "true,true,33,131,257,2",
        "false,false,131,33,257,2",
        "true,false,131,33,257,2",
        "false,true,131,33,257,2",
        "true,true,131,33,257,2"
    })
    void gemmMatchesNaive(boolean ta, boolean tb, int m, int n, int k, int threads) {
        float[] a = GradientCheck.randn(1, m * k + 3).data();
        float[] b = GradientCheck.randn(2, k * n + 2).data();
        float[] c = GradientCheck.randn(3, m * n + 1).data();
        float[] expected = c.clone();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = ta ? a[3 + p * m + i] : a[3 + i * k + p];
                    float bv = tb ? b[2 + j * k + p] : b[2 + p * n + j];
                    s += av * bv;
                }
                expected[1 + i * n + j] = (float) (0.5 * s + 2 * c[1 + i * n + j]);
            }
        }
        new CpuKernels(threads).sgemm(ta, tb, m, n, k, 0.5f, a, 3, b, 2, 2f, c, 1);
        // float sums of k products against double ones: the rounding grows about as √k
        assertClose("C", expected, c, 1e-5 * Math.max(1, Math.sqrt(k)));
    }

    @Test
    void gemmRejectsShortArraysBeforeTouchingMemory() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new CpuKernels()
                        .sgemm(false, false, 4, 4, 4, 1f, new float[15], 0, new float[16], 0, 0f, new float[16], 0));
        assertTrue(e.getMessage().contains("gemm A"), e.getMessage());
    }

    @ParameterizedTest(name = "conv N={0} C={1} {2}x{3} F={4} k={5} s={6} p={7} threads={8}: {9}")
    @CsvSource({
        "3,2,9,7,5,3,1,1,1,im2col",
        "2,3,8,8,4,5,1,2,2,im2col",
        "2,1,11,10,3,3,2,1,2,im2col",
        "1,4,5,6,2,2,3,0,1,im2col",
        "5,3,6,6,7,1,1,0,2,im2col",
        "2,2,5,4,3,3,1,3,1,im2col",
        "1,2,7,9,3,5,1,0,2,im2col",
        "3,1,3,3,2,2,1,3,2,im2col",
        // from 8 input and output channels, stride-1 3x3 and 5x5 kernels run by Winograd: tiles cut by
        // the output's edge, padding wider than a tile's overlap, no padding, one worker and two
        "3,8,9,7,9,3,1,1,2,'winograd F(4x4,3x3)'",
        "2,8,6,5,8,3,1,2,1,'winograd F(4x4,3x3)'",
        "2,8,14,14,10,5,1,2,2,'winograd F(4x4,5x5)'",
        "4,32,14,14,64,5,1,2,2,'winograd F(4x4,5x5)'",
        "3,9,8,10,8,5,1,0,2,'winograd F(4x4,5x5)'",
        "1,8,5,5,8,5,1,3,1,'winograd F(4x4,5x5)'",
        "2,8,8,8,8,5,2,2,2,im2col"
    })
    void convolutionMatchesDirectLoops(
            int n, int c, int h, int w, int f, int k, int s, int p, int threads, String algorithm) {
        ConvGeometry g = new ConvGeometry(n, c, h, w, f, k, k, s, p);
        assertEquals(algorithm, new CpuKernels(threads).convAlgorithm(g));
        // Winograd's transforms sum inputs scaled by up to 5.25 before the products and the weight
        // gradient's transform sums the products again: its rounding error is about 2e-6 of the
        // largest value (im2col's 1e-7), which the near-zero elements show
        double rtol = algorithm.startsWith("winograd") ? 3e-3 : 1e-4;
        float[] x = GradientCheck.randn(4, g.inputSize()).data();
        float[] wt = GradientCheck.randn(5, g.weightSize()).data();
        float[] bias = GradientCheck.randn(6, f).data();
        float[] dy = GradientCheck.randn(7, g.outputSize()).data();
        CpuKernels kernels = new CpuKernels(threads);
        float[] cols = new float[(int) kernels.convScratchSize(g)];
        float[] pre = directConvolution(g, x, wt, bias);
        for (boolean relu : new boolean[] {false, true}) {
            String what = relu ? " (ReLU fused)" : "";
            float[] y = new float[g.outputSize()];
            kernels.convForward(g, x, wt, bias, relu, y, cols);
            float[] dw = new float[g.weightSize()];
            float[] db = new float[f];
            float[] dx = new float[g.inputSize()];
            kernels.convBackward(g, x, wt, relu ? y : null, dy, dw, db, dx, cols);
            float[] dwAlone = new float[g.weightSize()];
            float[] dbAlone = new float[f];
            kernels.convBackward(g, x, wt, relu ? y : null, dy, dwAlone, dbAlone, null, cols);

            float[] ey = pre.clone();
            float[] g2 = dy.clone(); // dy, masked where the fused ReLU's output is zero
            for (int i = 0; i < ey.length; i++) {
                if (relu && ey[i] <= 0f) {
                    ey[i] = 0f;
                    g2[i] = 0f;
                }
            }
            float[] edx = new float[dx.length];
            float[] edw = new float[dw.length];
            float[] edb = new float[f];
            directGradients(g, x, wt, g2, edx, edw, edb);
            assertClose("y" + what, ey, y, rtol);
            assertClose("dx" + what, edx, dx, rtol);
            assertClose("dw" + what, edw, dw, rtol);
            assertClose("db" + what, edb, db, rtol);
            if (threads == 1) {
                assertArrayEquals(dw, dwAlone, "dw without the input gradient" + what);
                assertArrayEquals(db, dbAlone, "db without the input gradient" + what);
            } else {
                // the workers claim chunks as they finish: the sums over images round as they fell
                assertClose("dw without the input gradient" + what, dw, dwAlone, rtol);
                assertClose("db without the input gradient" + what, db, dbAlone, rtol);
            }
        }
    }

    /**
     * With {@code -Dsparkdl.kernels.deterministic=true} each worker takes a fixed run of chunks, so
     * repeated backward passes on two threads give the same bits; without it they agree to rounding.
     */
    @ParameterizedTest
    @CsvSource({"4,32,14,14,64,5", "6,1,28,28,32,5"})
    void deterministicKernelsRepeatTheirBits(int n, int c, int h, int w, int f, int k) {
        ConvGeometry g = new ConvGeometry(n, c, h, w, f, k, k, 1, k / 2);
        float[] x = GradientCheck.randn(11, g.inputSize()).data();
        float[] wt = GradientCheck.randn(12, g.weightSize()).data();
        float[] dy = GradientCheck.randn(13, g.outputSize()).data();
        withProperty("sparkdl.kernels.deterministic", "true", () -> {
            CpuKernels kernels = new CpuKernels(2);
            float[] cols = new float[(int) kernels.convScratchSize(g)];
            float[][] first = null;
            for (int run = 0; run < 5; run++) {
                float[] dw = new float[g.weightSize()];
                float[] db = new float[f];
                float[] dx = new float[g.inputSize()];
                kernels.convBackward(g, x, wt, null, dy, dw, db, dx, cols);
                if (first == null) {
                    first = new float[][] {dw, db, dx};
                } else {
                    assertArrayEquals(first[0], dw, "dw, run " + run);
                    assertArrayEquals(first[1], db, "db, run " + run);
                    assertArrayEquals(first[2], dx, "dx, run " + run);
                }
            }
        });
    }

    @Test
    void winogradTileIsConfigurable() {
        // -Dsparkdl.conv.winogradTile chooses the output tile: F(2x2, 5x5) and F(2x2, 3x3) as well
        withProperty("sparkdl.conv.winogradTile", "2", () -> {
            convolutionMatchesDirectLoops(2, 8, 14, 14, 10, 5, 1, 2, 2, "winograd F(2x2,5x5)");
            convolutionMatchesDirectLoops(3, 8, 9, 7, 9, 3, 1, 1, 1, "winograd F(2x2,3x3)");
        });
    }

    @Test
    void winogradInChunksOfOneImage() {
        // each worker's images one chunk at a time, each chunk's transformed input kept at its own place
        withProperty("sparkdl.conv.winogradChunkFloats", "1", () -> {
            convolutionMatchesDirectLoops(5, 8, 9, 7, 9, 3, 1, 1, 2, "winograd F(4x4,3x3)");
            convolutionMatchesDirectLoops(3, 9, 8, 10, 8, 5, 1, 0, 1, "winograd F(4x4,5x5)");
        });
    }

    private static void withProperty(String name, String value, Runnable body) {
        String before = System.getProperty(name);
        System.setProperty(name, value);
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, before);
            }
        }
    }

    @Test
    void winogradBackwardRecomputesWhatTheForwardDidNotKeepForThisInput() {
        // The forward keeps the transformed input in the scratch for the backward, and the transformed
        // weights; a backward whose input and weights were rewritten since, or whose scratch is too
        // small to keep the input's, must recompute them.
        ConvGeometry g = new ConvGeometry(3, 8, 9, 9, 8, 5, 5, 1, 2);
        CpuKernels kernels = new CpuKernels(2);
        assertTrue(kernels.convAlgorithm(g).startsWith("winograd"), kernels.convAlgorithm(g));
        float[] x = GradientCheck.randn(11, g.inputSize()).data();
        float[] wt = GradientCheck.randn(12, g.weightSize()).data();
        float[] dy = GradientCheck.randn(13, g.outputSize()).data();
        float[] y = new float[g.outputSize()];
        float[] cols = new float[(int) kernels.convScratchSize(g)];
        kernels.convForward(g, x, wt, null, false, y, cols);
        float[] rewritten = GradientCheck.randn(14, g.inputSize()).data();
        System.arraycopy(rewritten, 0, x, 0, x.length); // same array, other values
        float[] newWeights = GradientCheck.randn(15, g.weightSize()).data();
        System.arraycopy(newWeights, 0, wt, 0, wt.length); // and the weights' transform is stale too
        float[] edx = new float[g.inputSize()];
        float[] edw = new float[g.weightSize()];
        directGradients(g, x, wt, dy, edx, edw, new float[g.outChannels()]);
        for (float[] scratch : new float[][] {cols, new float[1]}) {
            float[] dw = new float[g.weightSize()];
            float[] dx = new float[g.inputSize()];
            kernels.convBackward(g, x, wt, null, dy, dw, null, dx, scratch);
            assertClose("dw with " + scratch.length + " floats of scratch", edw, dw, 3e-3);
            assertClose("dx with " + scratch.length + " floats of scratch", edx, dx, 3e-3);
        }
    }

    /** y = conv(x, w) + bias by the definition. */
    private static float[] directConvolution(ConvGeometry g, float[] x, float[] wt, float[] bias) {
        float[] y = new float[g.outputSize()];
        forEachTap(g, (yi, xi, wi) -> y[yi] += x[xi] * wt[wi]);
        int pixels = g.outPixels();
        for (int i = 0; i < y.length; i++) {
            y[i] += bias[(i / pixels) % g.outChannels()];
        }
        return y;
    }

    /** dx, dw and db of dy by the definition. */
    private static void directGradients(
            ConvGeometry g, float[] x, float[] wt, float[] dy, float[] dx, float[] dw, float[] db) {
        forEachTap(g, (yi, xi, wi) -> {
            dx[xi] += dy[yi] * wt[wi];
            dw[wi] += dy[yi] * x[xi];
        });
        int pixels = g.outPixels();
        for (int i = 0; i < dy.length; i++) {
            db[(i / pixels) % g.outChannels()] += dy[i];
        }
    }

    private interface Tap {
        void at(int yi, int xi, int wi);
    }

    /** Every (output, input, weight) index triple of the convolution inside the image. */
    private static void forEachTap(ConvGeometry g, Tap tap) {
        int c = g.inChannels();
        int h = g.height();
        int w = g.width();
        int k = g.kernelH();
        for (int b = 0; b < g.batch(); b++) {
            for (int o = 0; o < g.outChannels(); o++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int yi = ((b * g.outChannels() + o) * g.outH() + oy) * g.outW() + ox;
                        for (int ci = 0; ci < c; ci++) {
                            for (int ki = 0; ki < k; ki++) {
                                for (int kj = 0; kj < k; kj++) {
                                    int iy = oy * g.stride() - g.pad() + ki;
                                    int ix = ox * g.stride() - g.pad() + kj;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                        tap.at(yi, ((b * c + ci) * h + iy) * w + ix, ((o * c + ci) * k + ki) * k + kj);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void convolutionChecksBuffersFirst() {
        ConvGeometry g = new ConvGeometry(2, 1, 5, 5, 2, 3, 3, 1, 1);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new CpuKernels()
                        .convForward(
                                g,
                                new float[g.inputSize()],
                                new float[g.weightSize()],
                                null,
                                false,
                                new float[g.outputSize()],
                                new float[10]));
        assertTrue(e.getMessage().contains("column buffer"), e.getMessage());
        CpuKernels kernels = new CpuKernels();
        float[] cols = new float[(int) kernels.convScratchSize(g)];
        float[] dx = new float[g.inputSize()];
        float[] dxShort = new float[g.inputSize() - 1];
        float[] yShort = new float[g.outputSize() - 1];
        e = assertThrows(
                IllegalArgumentException.class,
                () -> kernels.convBackward(
                        g,
                        dx,
                        new float[g.weightSize()],
                        null,
                        new float[g.outputSize()],
                        new float[g.weightSize()],
                        null,
                        dxShort,
                        cols));
        assertEquals("convolution input gradient holds 49 floats but 50 are needed", e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> kernels.convBackward(
                        g,
                        dx,
                        new float[g.weightSize()],
                        yShort,
                        new float[g.outputSize()],
                        new float[g.weightSize()],
                        null,
                        dx,
                        cols));
        assertTrue(e.getMessage().startsWith("convolution rectified output"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 1, 2, 2, 1, 5, 5, 1, 0));
    }

    /** With a ReLU's output as input, the mask keeps dy exactly where the pooled maximum is positive. */
    @Test
    void maxPoolBackwardMasksForTheReluBefore() {
        PoolGeometry g = new PoolGeometry(2, 3, 6, 5, 2, 2);
        float[] x = GradientCheck.randn(11, g.inputSize()).data();
        for (int i = 0; i < x.length; i++) {
            x[i] = Math.max(x[i] - 0.5f, 0f); // a ReLU's output: some windows all zero
        }
        float[] dy = GradientCheck.randn(12, g.outputSize()).data();
        CpuKernels kernels = new CpuKernels(2);
        float[] y = new float[g.outputSize()];
        int[] argmax = new int[g.outputSize()];
        kernels.maxPoolForward(g, x, y, argmax);
        float[] plain = new float[g.inputSize()];
        kernels.maxPoolBackward(g, dy, argmax, null, plain);
        float[] masked = new float[g.inputSize()];
        kernels.maxPoolBackward(g, dy, argmax, y, masked);
        int zeroWindows = 0;
        for (int i = 0; i < y.length; i++) {
            float expected = y[i] > 0f ? dy[i] : 0f;
            assertEquals(expected, masked[argmax[i]], "at window " + i);
            assertEquals(dy[i], plain[argmax[i]], "unmasked at window " + i);
            zeroWindows += y[i] == 0f ? 1 : 0;
        }
        assertTrue(zeroWindows > 0 && zeroWindows < y.length, "the data has both kinds of window: " + zeroWindows);
    }

    /**
     * A convolution with its ReLU and 2×2 pooling in one call pools by the floats' bits: the same
     * output and argmax as the three apart, with ties (the ReLU's zeros), a NaN of either sign and
     * an infinity.
     */
    @ParameterizedTest(name = "threads={0} winograd={1}")
    @CsvSource({"1, true", "2, true", "2, false"})
    void reluThenPoolingInOneCallAsApart(int threads, boolean winograd) {
        ConvGeometry g = new ConvGeometry(3, 8, 10, 11, 8, 3, 3, 1, 1);
        PoolGeometry pg = new PoolGeometry(3, 8, g.outH(), g.outW(), 2, 2);
        CpuKernels kernels = new CpuKernels(threads, winograd);
        float[] x = GradientCheck.randn(41, g.inputSize()).data();
        x[7] = Float.NaN;
        x[200] = Float.intBitsToFloat(0xffc00000); // a NaN with its sign bit set
        x[400] = Float.POSITIVE_INFINITY;
        float[] wt = GradientCheck.randn(42, g.weightSize()).data();
        float[] bias = GradientCheck.randn(43, 8).data();
        float[] y = new float[g.outputSize()];
        float[] cols = new float[(int) kernels.convScratchSize(g)];
        float[] pooled = new float[pg.outputSize()];
        int[] argmax = new int[pg.outputSize()];
        kernels.convForward(g, x, wt, bias, true, y, cols);
        kernels.maxPoolForward(pg, y, pooled, argmax);
        MaxPoolOutput fused = new MaxPoolOutput(pg, new float[pg.outputSize()], new int[pg.outputSize()]);
        kernels.convMaxPoolForward(g, x, wt, bias, true, new float[g.outputSize()], cols, fused);
        assertArrayEquals(pooled, fused.y());
        assertArrayEquals(argmax, fused.argmax());
        int nan = 0;
        int zero = 0;
        for (float v : pooled) {
            nan += Float.isNaN(v) ? 1 : 0;
            zero += v == 0f ? 1 : 0;
        }
        assertTrue(nan > 0 && zero > 0, nan + " NaN and " + zero + " zero windows");
    }

    /**
     * The pooling's gradient routed straight into the convolution's backward gives the gradients
     * of the two apart: im2col and Winograd, one worker and two, with and without the ReLU, a
     * pooling that leaves the last row and column out, and overlapping windows (3 by 2), where one
     * pixel can be the maximum of two windows.
     */
    @ParameterizedTest(name = "threads={0} winograd={1} relu={2} pool {3}/{4}")
    @CsvSource({
        "1, true, true, 2, 2",
        "2, true, true, 2, 2",
        "2, true, false, 3, 2",
        "2, false, true, 2, 2",
        "1, false, false, 3, 2",
        "2, false, true, 3, 2"
    })
    void pooledGradientRoutedAsApart(int threads, boolean winograd, boolean relu, int kernel, int stride) {
        ConvGeometry g = new ConvGeometry(3, 8, 11, 9, 8, 3, 3, 1, 1);
        PoolGeometry pg = new PoolGeometry(3, 8, g.outH(), g.outW(), kernel, stride);
        CpuKernels kernels = new CpuKernels(threads, winograd);
        assertEquals(winograd ? "winograd F(4x4,3x3)" : "im2col", kernels.convAlgorithm(g));
        float[] x = GradientCheck.randn(51, g.inputSize()).data();
        float[] wt = GradientCheck.randn(52, g.weightSize()).data();
        float[] bias = GradientCheck.randn(53, 8).data();
        float[] cols = new float[(int) kernels.convScratchSize(g)];
        MaxPoolOutput pool = new MaxPoolOutput(pg, new float[pg.outputSize()], new int[pg.outputSize()]);
        kernels.convMaxPoolForward(g, x, wt, bias, relu, new float[g.outputSize()], cols, pool);
        float[] dp = GradientCheck.randn(54, pg.outputSize()).data();

        float[] dConv = new float[g.outputSize()];
        kernels.maxPoolBackward(pg, dp, pool.argmax(), relu ? pool.y() : null, dConv);
        float[] dw1 = new float[g.weightSize()];
        float[] db1 = new float[8];
        float[] dx1 = new float[g.inputSize()];
        kernels.convBackward(g, x, wt, null, dConv, dw1, db1, dx1, cols);

        float[] dw2 = new float[g.weightSize()];
        float[] db2 = new float[8];
        float[] dx2 = new float[g.inputSize()];
        kernels.convMaxPoolBackward(g, x, wt, relu, pool, dp, new float[g.outputSize()], dw2, db2, dx2, cols);
        assertClose("dw", dw1, dw2, 1e-5);
        assertClose("dbias", db1, db2, 1e-5);
        assertClose("dx", dx1, dx2, 1e-5);
        int shared = pool.argmax().length
                - (int) java.util.Arrays.stream(pool.argmax()).distinct().count();
        assertTrue(kernel == stride || shared > 0, "overlapping windows share a maximum somewhere: " + shared);
    }

    @Test
    void poolingThreadsAgree() {
        PoolGeometry g = new PoolGeometry(3, 5, 9, 8, 3, 2);
        float[] x = GradientCheck.randn(8, g.inputSize()).data();
        float[] y1 = new float[g.outputSize()];
        float[] y2 = new float[g.outputSize()];
        int[] a1 = new int[g.outputSize()];
        int[] a2 = new int[g.outputSize()];
        new CpuKernels(1).maxPoolForward(g, x, y1, a1);
        new CpuKernels(2).maxPoolForward(g, x, y2, a2);
        assertClose("max", y1, y2, 0);
        new CpuKernels(1).avgPoolForward(g, x, y1);
        new CpuKernels(2).avgPoolForward(g, x, y2);
        assertClose("avg", y1, y2, 0);
    }

    @Test
    void backendSelection() {
        assertEquals("cpu", Backends.choose("cpu", 1).backend());
        // No OpenCL provider on core's test classpath: auto falls back to CPU and says why.
        Backends.Choice auto = Backends.choose("auto", 1);
        assertEquals("cpu", auto.backend());
        assertTrue(auto.reason().contains("no OpenCL kernels"), auto.reason());
        var e = assertThrows(IllegalStateException.class, () -> Backends.choose("opencl", 1));
        assertTrue(e.getMessage().contains("opencl-kernels"), e.getMessage());
        var bad = assertThrows(IllegalArgumentException.class, () -> Backends.choose("cuda", 1));
        assertTrue(bad.getMessage().contains("'cuda'"), bad.getMessage());
        assertTrue(auto.create() instanceof CpuKernels);
    }
}
