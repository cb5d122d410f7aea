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
    private final long chunkFloats;
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
        this.chunkFloats = defaultChunkFloats(threads);
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

    /**
     * Images per convolution chunk: the batch is processed a chunk at a time so that its im2col
     * block stays small (see {@link #defaultChunkFloats}) stays in cache between being written and
     * being read by the GEMM, instead of a whole-batch matrix (40 MB for CNN-S's second
     * convolution at batch 64) making several round trips through memory.
     */
    int chunkImages(ConvGeometry g) {
        long perImage = (long) g.patchSize() * g.outPixels();
        int most = (int) Math.max(1, Math.min(g.batch(), chunkFloats / perImage));
        int chunks = (g.batch() + most - 1) / most;
        return (g.batch() + chunks - 1) / chunks; // balanced: no small last chunk
    }

    /**
     * One thread (a Spark task): 1 MB blocks. Several threads: 32 MB blocks, because small GEMMs
     * split over threads lose more to synchronisation than they gain in cache (measured in
     * docs/PERFORMANCE.md). Tunable with {@code -Dsparkdl.conv.chunkFloats=N}.
     */
    private static long defaultChunkFloats(int threads) {
        return Long.getLong("sparkdl.conv.chunkFloats", threads == 1 ? 1 << 18 : 1 << 23);
    }

    @Override
    public long convScratchSize(ConvGeometry g) {
        return (long) g.patchSize() * g.outPixels() * chunkImages(g);
    }

    private void checkScratch(ConvGeometry g, float[] columns) {
        SizeChecks.atLeast("convolution column buffer", columns, convScratchSize(g));
    }

    @Override
    public void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y, float[] columns) {
        SizeChecks.conv(g, x, w, y);
        checkScratch(g, columns);
        int rows = g.patchSize();
        int pixels = g.outPixels();
        int f = g.outChannels();
        int chunk = chunkImages(g);
        for (int first = 0; first < g.batch(); first += chunk) {
            int n0 = first;
            ConvGeometry cg = g.withBatch(Math.min(chunk, g.batch() - first));
            parallel(rows, (r0, r1) -> Im2col.im2col(cg, x, n0, columns, r0, r1));
            float[] out = staging(cg.outputSize());
            // out[F, n·OH·OW] = w[F, C·KH·KW] · columns[C·KH·KW, n·OH·OW]
            sgemm(false, false, f, cg.columns(), rows, 1f, w, 0, columns, 0, 0f, out, 0);
            parallel(cg.batch(), (i0, i1) -> {
                for (int n = i0; n < i1; n++) {
                    for (int o = 0; o < f; o++) {
                        float bo = bias == null ? 0f : bias[o];
                        int src = o * cg.columns() + n * pixels;
                        int dst = ((n0 + n) * f + o) * pixels;
                        for (int p = 0; p < pixels; p++) {
                            y[dst + p] = out[src + p] + bo;
                        }
                    }
                }
            });
        }
    }

    /** Recomputes each chunk's im2col block (cheap, in cache) rather than keeping the whole batch's. */
    @Override
    public void convBackwardWeight(ConvGeometry g, float[] x, float[] columns, float[] dy, float[] dw, float[] dbias) {
        SizeChecks.atLeast("convolution input", x, g.inputSize());
        SizeChecks.atLeast("convolution output gradient", dy, g.outputSize());
        SizeChecks.atLeast("convolution weight gradient", dw, g.weightSize());
        checkScratch(g, columns);
        if (dbias != null) {
            SizeChecks.atLeast("convolution bias gradient", dbias, g.outChannels());
        }
        int chunk = chunkImages(g);
        for (int first = 0; first < g.batch(); first += chunk) {
            int n0 = first;
            ConvGeometry cg = g.withBatch(Math.min(chunk, g.batch() - first));
            parallel(g.patchSize(), (r0, r1) -> Im2col.im2col(cg, x, n0, columns, r0, r1));
            float[] dyT = toChannelMajor(cg, dy, n0);
            // dw[F, C·KH·KW] += dyᵀ[F, n·P] · columnsᵀ
            sgemm(false, true, g.outChannels(), g.patchSize(), cg.columns(), 1f, dyT, 0, columns, 0, 1f, dw, 0);
            if (dbias != null) {
                int cols = cg.columns();
                for (int o = 0; o < g.outChannels(); o++) {
                    double s = 0;
                    for (int i = o * cols, end = i + cols; i < end; i++) {
                        s += dyT[i];
                    }
                    dbias[o] += (float) s;
                }
            }
        }
    }

    @Override
    public void convBackwardInput(ConvGeometry g, float[] dy, float[] w, float[] dx, float[] columns) {
        SizeChecks.conv(g, dx, w, dy);
        checkScratch(g, columns);
        java.util.Arrays.fill(dx, 0, g.inputSize(), 0f);
        int chunk = chunkImages(g);
        for (int first = 0; first < g.batch(); first += chunk) {
            int n0 = first;
            ConvGeometry cg = g.withBatch(Math.min(chunk, g.batch() - first));
            float[] dyT = toChannelMajor(cg, dy, n0);
            // columns[C·KH·KW, n·P] = wᵀ · dyᵀ, then scattered back into this chunk's images
            sgemm(true, false, g.patchSize(), cg.columns(), g.outChannels(), 1f, w, 0, dyT, 0, 0f, columns, 0);
            parallel(g.inChannels(), (c0, c1) -> Im2col.col2im(cg, columns, dx, n0, c0, c1));
        }
    }

    /** dy[n0 + n, F, P] for the chunk's images → staging[F, n·P], the layout the GEMMs want. */
    private float[] toChannelMajor(ConvGeometry cg, float[] dy, int firstImage) {
        float[] t = staging(cg.outputSize());
        int pixels = cg.outPixels();
        int f = cg.outChannels();
        int cols = cg.columns();
        parallel(f, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                for (int n = 0; n < cg.batch(); n++) {
                    System.arraycopy(dy, ((firstImage + n) * f + o) * pixels, t, o * cols + n * pixels, pixels);
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
