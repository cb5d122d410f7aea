package org.sparkdl.core.kernels;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * The CPU implementation: GEMM through netlib BLAS, convolution as batched im2col + one GEMM,
 * pooling in plain loops. The data-movement loops (im2col, col2im, pooling) split across
 * {@code threads} workers when a task owns more than one core; GEMM threads are BLAS's own.
 */
public final class CpuKernels implements Kernels {
    private final BLAS blas = Blas.get();
    private final int threads;
    private final ForkJoinPool pool;
    /** F × N·OH·OW staging area between the GEMM's layout and NCHW; grows, never shrinks. */
    private float[] staging = new float[0];

    /** Single-threaded loops: what a Spark task that owns one core should use. */
    public CpuKernels() {
        this(1);
    }

    public CpuKernels(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    @Override
    public String name() {
        return "cpu(" + blas.getClass().getSimpleName() + ", threads=" + threads + ")";
    }

    public int threads() {
        return threads;
    }

    @Override
    public void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOffset,
            float[] b,
            int bOffset,
            float beta,
            float[] c,
            int cOffset) {
        SizeChecks.gemm(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands.
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        blas.sgemm(
                transB ? "T" : "N",
                transA ? "T" : "N",
                n,
                m,
                k,
                alpha,
                b,
                bOffset,
                Math.max(1, ldb),
                a,
                aOffset,
                Math.max(1, lda),
                beta,
                c,
                cOffset,
                Math.max(1, n));
    }

    @Override
    public void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, float[] columns) {
        SizeChecks.conv(g, x, w, y, columns);
        int rows = g.patchSize();
        parallel(rows, (from, to) -> Im2col.im2col(g, x, columns, from, to));
        float[] out = staging(g.outputSize());
        // out[F, N·OH·OW] = w[F, C·KH·KW] · columns[C·KH·KW, N·OH·OW]
        sgemm(false, false, g.outChannels(), g.columns(), rows, 1f, w, 0, columns, 0, 0f, out, 0);
        int pixels = g.outPixels();
        int f = g.outChannels();
        parallel(g.batch(), (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int o = 0; o < f; o++) {
                    float bo = bias == null ? 0f : bias[o];
                    int src = o * g.columns() + n * pixels;
                    int dst = (n * f + o) * pixels;
                    for (int p = 0; p < pixels; p++) {
                        y[dst + p] = out[src + p] + bo;
                    }
                }
            }
        });
    }

    @Override
    public void convBackwardWeight(ConvGeometry g, float[] x, float[] columns, float[] dy, float[] dw, float[] dbias) {
        SizeChecks.atLeast("convolution output gradient", dy, g.outputSize());
        SizeChecks.atLeast("convolution weight gradient", dw, g.weightSize());
        SizeChecks.atLeast("convolution column buffer", columns, g.columnBufferSize());
        float[] dyT = toChannelMajor(g, dy);
        // dw[F, C·KH·KW] += dyᵀ[F, N·OH·OW] · columnsᵀ
        sgemm(false, true, g.outChannels(), g.patchSize(), g.columns(), 1f, dyT, 0, columns, 0, 1f, dw, 0);
        if (dbias != null) {
            SizeChecks.atLeast("convolution bias gradient", dbias, g.outChannels());
            int cols = g.columns();
            for (int o = 0; o < g.outChannels(); o++) {
                double s = 0;
                for (int i = o * cols, end = i + cols; i < end; i++) {
                    s += dyT[i];
                }
                dbias[o] += (float) s;
            }
        }
    }

    @Override
    public void convBackwardInput(ConvGeometry g, float[] dy, float[] w, float[] dx, float[] columns) {
        SizeChecks.conv(g, dx, w, dy, columns);
        float[] dyT = toChannelMajor(g, dy);
        // columns[C·KH·KW, N·OH·OW] = wᵀ · dyᵀ
        sgemm(true, false, g.patchSize(), g.columns(), g.outChannels(), 1f, w, 0, dyT, 0, 0f, columns, 0);
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        parallel(g.inChannels(), (c0, c1) -> Im2col.col2im(g, columns, dx, c0, c1));
    }

    /** dy[N, F, P] → staging[F, N·P], the layout the GEMMs want. */
    private float[] toChannelMajor(ConvGeometry g, float[] dy) {
        float[] t = staging(g.outputSize());
        int pixels = g.outPixels();
        int f = g.outChannels();
        int cols = g.columns();
        parallel(f, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                for (int n = 0; n < g.batch(); n++) {
                    System.arraycopy(dy, (n * f + o) * pixels, t, o * cols + n * pixels, pixels);
                }
            }
        });
        return t;
    }

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        SizeChecks.atLeast("pooling input", x, g.inputSize());
        SizeChecks.atLeast("pooling output", y, g.outputSize());
        SizeChecks.atLeast("pooling argmax", argmax, g.outputSize());
        int oh = g.outH();
        int ow = g.outW();
        parallel(g.batch() * g.channels(), (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int in = plane * g.height() * g.width();
                int out = plane * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        int best = in + oy * g.stride() * g.width() + ox * g.stride();
                        float bestValue = x[best];
                        for (int ki = 0; ki < g.kernel(); ki++) {
                            int rowStart = in + (oy * g.stride() + ki) * g.width() + ox * g.stride();
                            for (int kj = 0; kj < g.kernel(); kj++) {
                                float v = x[rowStart + kj];
                                // Branch-free: which element wins is random, so a branch mispredicts
                                // half the time. m is all ones when v > bestValue (their difference
                                // is negative); a NaN propagates through Math.max as in PyTorch.
                                int m = Float.floatToRawIntBits(bestValue - v) >> 31;
                                best = (best & ~m) | ((rowStart + kj) & m);
                                bestValue = Math.max(bestValue, v);
                            }
                        }
                        y[out + oy * ow + ox] = bestValue;
                        argmax[out + oy * ow + ox] = best;
                    }
                }
            }
        });
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] dy, int[] argmax, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, g.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, g.inputSize());
        SizeChecks.atLeast("pooling argmax", argmax, g.outputSize());
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int outPlane = g.outH() * g.outW();
        int inPlane = g.height() * g.width();
        parallel(g.batch() * g.channels(), (p0, p1) -> {
            for (int i = p0 * outPlane; i < p1 * outPlane; i++) {
                int target = argmax[i];
                if (target < p0 * inPlane || target >= p1 * inPlane) {
                    throw new IllegalArgumentException("argmax " + target + " at " + i + " lies outside its plane");
                }
                dx[target] += dy[i];
            }
        });
    }

    @Override
    public void avgPoolForward(PoolGeometry g, float[] x, float[] y) {
        SizeChecks.atLeast("pooling input", x, g.inputSize());
        SizeChecks.atLeast("pooling output", y, g.outputSize());
        int oh = g.outH();
        int ow = g.outW();
        float scale = 1f / (g.kernel() * g.kernel());
        parallel(g.batch() * g.channels(), (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int in = plane * g.height() * g.width();
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float s = 0f;
                        for (int ki = 0; ki < g.kernel(); ki++) {
                            int rowStart = in + (oy * g.stride() + ki) * g.width() + ox * g.stride();
                            for (int kj = 0; kj < g.kernel(); kj++) {
                                s += x[rowStart + kj];
                            }
                        }
                        y[(plane * oh + oy) * ow + ox] = s * scale;
                    }
                }
            }
        });
    }

    @Override
    public void avgPoolBackward(PoolGeometry g, float[] dy, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, g.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, g.inputSize());
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int oh = g.outH();
        int ow = g.outW();
        float scale = 1f / (g.kernel() * g.kernel());
        parallel(g.batch() * g.channels(), (p0, p1) -> {
            for (int plane = p0; plane < p1; plane++) {
                int in = plane * g.height() * g.width();
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        float d = dy[(plane * oh + oy) * ow + ox] * scale;
                        for (int ki = 0; ki < g.kernel(); ki++) {
                            int rowStart = in + (oy * g.stride() + ki) * g.width() + ox * g.stride();
                            for (int kj = 0; kj < g.kernel(); kj++) {
                                dx[rowStart + kj] += d;
                            }
                        }
                    }
                }
            }
        });
    }

    private float[] staging(int size) {
        if (staging.length < size) {
            staging = new float[size];
        }
        return staging;
    }

    /** A range body: processes items {@code [from, to)}. */
    private interface RangeBody {
        void run(int from, int to);
    }

    /** Splits {@code [0, count)} into one contiguous range per thread. */
    private void parallel(int count, RangeBody body) {
        if (pool == null || count < 2) {
            body.run(0, count);
            return;
        }
        int parts = Math.min(threads, count);
        pool.submit(() -> IntStream.range(0, parts).parallel().forEach(p -> {
                    body.run((int) ((long) count * p / parts), (int) ((long) count * (p + 1) / parts));
                }))
                .join();
    }
}
