package org.sparkdl.core.kernels;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU implementation: GEMM through netlib BLAS, convolution as im2col + GEMM on cache-sized
 * blocks of images, pooling in plain loops.
 *
 * <p>With {@code threads} workers, the work is split here, not inside BLAS: each worker takes a
 * share of the batch's images (or of a GEMM's rows) and runs single-threaded BLAS on its own
 * scratch. That keeps each worker's im2col block in its own core's cache, and avoids OpenBLAS's
 * threads, which spin between calls and took a core away from the loops around the GEMMs (two
 * threads gained 1.14× over one before, measured in docs/PERFORMANCE.md). So constructing one sets
 * OpenBLAS to one thread per calling thread, process-wide (a Spark task's kernels need that too).
 */
public final class CpuKernels implements Kernels {
    private static final AtomicBoolean SINGLE_THREADED_BLAS = new AtomicBoolean();

    private final BLAS blas = Blas.get();
    private final int threads;
    private final WorkerTeam team;
    private final long chunkFloats;
    /** Per worker: F × n·OH·OW staging between the GEMMs' layout and NCHW; grows, never shrinks. */
    private final float[][] staging;
    /** Per worker but the first: partial weight and bias gradients, added in worker order (zeroed by each worker as it starts). */
    private final float[][] partialWeightGrad;

    private final float[][] partialBiasGrad;
    /** Per worker: im2col's and col2im's plane scratch. */
    private final Im2col.Scratch[] planes;
    /** Winograd convolutions by kernel size (see {@link #winogradFor}), and each worker's buffers for them. */
    private final Map<Integer, WinogradConvolution> winograd = new HashMap<>();

    private final WinogradConvolution.Scratch[] winogradScratch;
    private final boolean winogradEnabled;
    /**
     * Winograd's output tile m ({@code -Dsparkdl.conv.winogradTile}, 4 by default). For CNN-S's 5×5
     * convolution F(4×4, 5×5) ran forward and backward at 455 µs per image on one thread where
     * F(2×2, 5×5) took 615 and im2col 780 (docs/PERFORMANCE.md): its GEMMs are 4.2 against 7.2
     * MFLOP per image, and it keeps 1.7× less transformed input.
     */
    private final int winogradTile = Integer.getInteger("sparkdl.conv.winogradTile", 4);

    /**
     * Floats of a Winograd chunk's largest buffer ({@code -Dsparkdl.conv.winogradChunkFloats}): 2^17
     * (two CNN-S images) ran conv2 at 248 + 372 µs per image on two threads, 2^19 at 246–305 + 416–465
     * (the two workers' chunks then no longer stay in their cores' caches), 2^15 at 245–264 + 397–405.
     */
    private final long winogradChunkFloats = Long.getLong("sparkdl.conv.winogradChunkFloats", 1 << 17);

    /** Whether convolutions deal each worker a fixed run of chunks rather than let them claim chunks ({@link #claimChunks}). */
    private final boolean deterministic = Boolean.getBoolean("sparkdl.kernels.deterministic");

    /** Single-threaded loops: what a Spark task that owns one core should use. */
    public CpuKernels() {
        this(1);
    }

    public CpuKernels(int threads) {
        this(threads, !"off".equals(System.getProperty("sparkdl.conv.winograd", "auto")));
    }

    /**
     * @param winograd whether eligible convolutions run by Winograd's algorithm ({@link #winogradFor});
     *     without it every convolution is im2col + GEMM, the algorithm the OpenCL kernels mirror,
     *     so their tests compare like with like. {@code -Dsparkdl.conv.winograd=off} sets it off
     *     for the other constructors.
     */
    public CpuKernels(int threads, boolean winograd) {
        this.winogradEnabled = winograd;
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.team = threads == 1 ? null : new WorkerTeam(threads, "spark-dl-kernels");
        this.chunkFloats = Long.getLong("sparkdl.conv.chunkFloats", 1 << 15);
        this.staging = new float[threads][0];
        this.partialWeightGrad = new float[threads][0];
        this.partialBiasGrad = new float[threads][0];
        this.planes = new Im2col.Scratch[threads];
        this.winogradScratch = new WinogradConvolution.Scratch[threads];
        for (int i = 0; i < threads; i++) {
            planes[i] = new Im2col.Scratch();
            winogradScratch[i] = new WinogradConvolution.Scratch();
        }
        if (SINGLE_THREADED_BLAS.compareAndSet(false, true)) {
            BlasThreads.set(1);
        }
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
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        boolean byColumns = n > m;
        if (team == null || (byColumns ? n : m) < 2 * threads || (long) m * n * k < (1L << 20)) {
            gemm(transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, n);
            return;
        }
        if (byColumns) {
            // Each worker computes a block of C's columns c0..c1 from all of op(A) and op(B)'s
            // columns c0..c1 (columns of B, or rows of a transposed B). Each worker packs the whole
            // of the operand it shares: op(A), the smaller one here. Split by rows instead, both
            // would pack all of op(B): CNN-S's dense(256) products took 735-775 µs against 850-900
            // (forward) and 730-760 against 840-910 (input gradient) on 2 threads, measured.
            parallelParts(
                    n,
                    (part, c0, c1) -> gemm(
                            transA,
                            transB,
                            m,
                            c1 - c0,
                            k,
                            alpha,
                            a,
                            aOffset,
                            lda,
                            b,
                            bOffset + (transB ? c0 * ldb : c0),
                            ldb,
                            beta,
                            c,
                            cOffset + c0,
                            n));
            return;
        }
        // Each worker computes a block of C's rows: op(A)'s rows r0..r1 start at row r0 of A, or
        // at column r0 of a transposed A.
        parallelParts(
                m,
                (part, r0, r1) -> gemm(
                        transA,
                        transB,
                        r1 - r0,
                        n,
                        k,
                        alpha,
                        a,
                        aOffset + (transA ? r0 : r0 * lda),
                        lda,
                        b,
                        bOffset,
                        ldb,
                        beta,
                        c,
                        cOffset + r0 * n,
                        n));
    }

    /** Row-major C[m×n] (leading dimension ldc) = alpha·op(A)·op(B) + beta·C on the calling thread. */
    private void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOffset,
            int lda,
            float[] b,
            int bOffset,
            int ldb,
            float beta,
            float[] c,
            int cOffset,
            int ldc) {
        // Row-major C = op(A)·op(B) is column-major Cᵀ = op(B)ᵀ·op(A)ᵀ: swap the operands.
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
                Math.max(1, ldc));
    }

    /** Serial GEMM with the leading dimensions of dense, untransposed-layout operands. */
    private void gemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float[] a,
            int aOffset,
            float[] b,
            int bOffset,
            float beta,
            float[] c,
            int cOffset) {
        gemm(transA, transB, m, n, k, 1f, a, aOffset, transA ? m : k, b, bOffset, transB ? k : n, beta, c, cOffset, n);
    }

    /**
     * Images per convolution chunk: each worker processes its images a chunk at a time so that the
     * chunk's im2col block and GEMM output stay in cache between being written and being read,
     * instead of a whole-batch matrix (40 MB for CNN-S's second convolution at batch 64) making
     * several round trips through memory. A chunk's block is at most 128 KB ({@code
     * -Dsparkdl.conv.chunkFloats=N}), or one image's where that is larger. Measured on CNN-S's
     * first convolution with its pooling (an image's block 78 KB), µs per image, medians of 30
     * interleaved rounds: 1 MB chunks (13 images) 53.7 forward and 59.4 backward on one thread,
     * one-image chunks 48.7 and 46.7; on two threads 34.2 and 36.2 against 31.3 and 29.1. Chunks
     * of 256 and 512 KB measured as 1 MB.
     */
    int chunkImages(ConvGeometry g) {
        return balancedChunk(g, chunkFloats / ((long) g.patchSize() * g.outPixels()));
    }

    /**
     * Images per chunk of a worker's share of {@code g}'s batch, at most {@code most} (at least 1),
     * balanced: no small last chunk.
     */
    private int balancedChunk(ConvGeometry g, long most) {
        int perWorker = (g.batch() + workers(g) - 1) / workers(g);
        int chunk = (int) Math.max(1, Math.min(perWorker, most));
        int chunks = (perWorker + chunk - 1) / chunk;
        return (perWorker + chunks - 1) / chunks;
    }

    /** Workers a convolution of this batch is split across (see {@link #parallelParts}). */
    private int workers(ConvGeometry g) {
        return team == null ? 1 : Math.max(1, Math.min(threads, g.batch()));
    }

    /**
     * One chunk's im2col block per worker; for a Winograd convolution, the transformed input that the
     * forward pass keeps for the backward (its workers keep their other buffers themselves).
     */
    @Override
    public long convScratchSize(ConvGeometry g) {
        WinogradConvolution w = winogradFor(g);
        return w != null ? w.keptSize(g) : workerScratch(g) * workers(g);
    }

    /** A serial row-major GEMM with dense operands: {@code c[m×n] = op(a)·op(b) + beta·c}. */
    interface SerialGemm {
        void run(
                boolean transA,
                boolean transB,
                int m,
                int n,
                int k,
                float[] a,
                int aOffset,
                float[] b,
                int bOffset,
                float beta,
                float[] c,
                int cOffset);
    }

    private final SerialGemm serialGemm = this::gemm;

    /**
     * The Winograd algorithm for {@code g}, or null where im2col + GEMM runs: stride 1, a square 3×3
     * (F(4×4, 3×3)) or 5×5 (F(4×4, 5×5)) kernel, at least 8 input and 8 output channels (the
     * transformed GEMMs' inner dimension is the input channels: a first layer's 1 or 3 gains nothing)
     * and an output of at least one tile.
     */
    WinogradConvolution winogradFor(ConvGeometry g) {
        int r = g.kernelH();
        if (!winogradEnabled || g.stride() != 1 || g.kernelW() != r || (r != 3 && r != 5)) {
            return null;
        }
        if (g.inChannels() < 8 || g.outChannels() < 8) {
            return null;
        }
        WinogradConvolution w = winograd.computeIfAbsent(r, k -> new WinogradConvolution(winogradTile, k));
        return g.outH() >= w.tile() && g.outW() >= w.tile() ? w : null;
    }

    /** How {@code g} runs here: {@code im2col} or e.g. {@code winograd F(2x2,5x5)}. */
    public String convAlgorithm(ConvGeometry g) {
        WinogradConvolution w = winogradFor(g);
        return w == null ? "im2col" : w.describe();
    }

    /** Images per Winograd chunk: its largest buffer (α²·max(C, F)·T floats an image) about 512 KB. */
    private int winogradChunk(WinogradConvolution w, ConvGeometry g) {
        return balancedChunk(g, winogradChunkFloats / w.floatsPerImage(g));
    }

    /** With {@code pool}, only the pooled output of the rectified convolution ({@link WinogradConvolution#poolOutput}). */
    private void winogradForward(
            WinogradConvolution w,
            ConvGeometry g,
            float[] x,
            float[] weights,
            float[] bias,
            boolean relu,
            float[] y,
            MaxPoolOutput pool,
            float[] columns) {
        w.transformWeights(g, weights, this::parallel);
        int chunk = winogradChunk(w, g);
        float[] kept = keptOrNull(w, g, columns);
        claimChunks(
                g,
                chunk,
                (part, first, n) ->
                        w.forward(g, x, first, n, bias, relu, y, pool, kept, winogradScratch[part], serialGemm));
    }

    /** The scratch as the place of the forward's transformed input, or null where it is too small to hold it. */
    private static float[] keptOrNull(WinogradConvolution w, ConvGeometry g, float[] columns) {
        return columns != null && columns.length >= w.keptSize(g) ? columns : null;
    }

    private void winogradBackward(
            WinogradConvolution w,
            ConvGeometry g,
            float[] x,
            float[] weights,
            float[] rectifiedY,
            float[] dy,
            PooledGradient pooled,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        w.transformWeights(g, weights, this::parallel);
        int chunk = winogradChunk(w, g);
        float[] kept = keptOrNull(w, g, columns);
        int parts = claimChunks(
                g,
                chunk,
                part -> {
                    w.weightGradient(winogradScratch[part], g);
                    if (dbias != null && part > 0) {
                        partial(partialBiasGrad, part, g.outChannels());
                    }
                },
                (part, first, n) -> w.backward(
                        g,
                        x,
                        first,
                        n,
                        rectifiedY,
                        dy,
                        pooled,
                        dbias == null || part == 0 ? dbias : partialBiasGrad[part],
                        dx,
                        kept,
                        winogradScratch[part],
                        serialGemm));
        for (int part = 1; part < parts && dbias != null; part++) {
            addInto(dbias, partialBiasGrad[part], g.outChannels());
        }
        w.addWeightGradient(g, winogradScratch, parts, dw, this::parallel);
    }

    private long workerScratch(ConvGeometry g) {
        return (long) g.patchSize() * g.outPixels() * chunkImages(g);
    }

    private void checkScratch(ConvGeometry g, float[] columns) {
        SizeChecks.atLeast("convolution column buffer", columns, convScratchSize(g));
    }

    @Override
    public void convForward(
            ConvGeometry g, float[] x, float[] w, float[] bias, boolean relu, float[] y, float[] columns) {
        SizeChecks.conv(g, x, w, y);
        WinogradConvolution wino = winogradFor(g);
        if (wino != null) {
            winogradForward(wino, g, x, w, bias, relu, y, null, columns);
            return;
        }
        im2colForward(g, x, w, bias, relu, y, null, columns);
    }

    /**
     * Per chunk of images: im2col, one GEMM, then bias (and ReLU) in place and each plane copied
     * to y; or, with {@code pool} (a 2×2, stride-2 pooling of the ReLU's output), each plane pooled
     * straight from the GEMM's output while the chunk is in cache, y left unwritten.
     */
    private void im2colForward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] bias,
            boolean relu,
            float[] y,
            MaxPoolOutput pool,
            float[] columns) {
        checkScratch(g, columns);
        int scratch = (int) workerScratch(g);
        int pixels = g.outPixels();
        int f = g.outChannels();
        claimChunks(g, chunkImages(g), (part, first, count) -> {
            int colBase = part * scratch;
            ConvGeometry cg = g.withBatch(count);
            Im2col.im2col(cg, x, first, columns, colBase, plane(part, g));
            float[] out = staging(part, cg.outputSize());
            // out[F, n·OH·OW] = w[F, C·KH·KW] · columns[C·KH·KW, n·OH·OW]
            gemm(false, false, f, cg.columns(), g.patchSize(), w, 0, columns, colBase, 0f, out, 0);
            for (int n = 0; n < cg.batch(); n++) {
                for (int o = 0; o < f; o++) {
                    float bo = bias == null ? 0f : bias[o];
                    int src = o * cg.columns() + n * pixels;
                    int plane = (first + n) * f + o;
                    int dst = plane * pixels;
                    // bias (and ReLU) in place, then one copy: a loop whose loads and store
                    // have different offsets does not vectorise (0.62 against 0.39 ns per element)
                    if (relu) {
                        for (int p = src; p < src + pixels; p++) {
                            out[p] = Math.max(out[p] + bo, 0f);
                        }
                    } else {
                        for (int p = src; p < src + pixels; p++) {
                            out[p] += bo;
                        }
                    }
                    if (pool == null) {
                        System.arraycopy(out, src, y, dst, pixels);
                    } else {
                        PoolGeometry pg = pool.geometry();
                        int pooledAt = plane * pg.outH() * pg.outW();
                        MaxPool.forward2x2Rectified(pg, out, src, pool.y(), pool.argmax(), pooledAt, dst);
                    }
                }
            }
        });
    }

    /**
     * Per chunk of images: dy (masked by the fused ReLU) to channel-major once, the chunk's im2col
     * block recomputed (cheap, in cache) rather than kept from the forward pass, the weight
     * gradient, then the input gradient through the same block of scratch. Worker 0 accumulates
     * into dw and dbias, the others into their own partial sums, added in worker order afterwards
     * (which worker took which chunk: {@link #claimChunks}).
     */
    @Override
    public void convBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] rectifiedY,
            float[] dy,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        SizeChecks.convBackward(g, x, w, rectifiedY, dy, dw, dbias, dx);
        WinogradConvolution wino = winogradFor(g);
        if (wino != null) {
            winogradBackward(wino, g, x, w, rectifiedY, dy, null, dw, dbias, dx, columns);
            return;
        }
        im2colBackward(g, x, w, rectifiedY, dy, null, dw, dbias, dx, columns);
    }

    /**
     * The pooling's backward routed straight into the layout the convolution's backward reads
     * ({@link PooledGradient}), instead of a whole zeroed and scattered N×F×OH×OW gradient that the
     * convolution then reads again: {@code dConvOut} is left unused.
     */
    @Override
    public void convMaxPoolBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            boolean relu,
            MaxPoolOutput pool,
            float[] dy,
            float[] dConvOut,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        pool.checkFollows(g);
        SizeChecks.convBackward(g, x, w, null, dConvOut, dw, dbias, dx);
        PooledGradient pooled = new PooledGradient(pool, dy, relu);
        WinogradConvolution wino = winogradFor(g);
        if (wino != null) {
            winogradBackward(wino, g, x, w, null, null, pooled, dw, dbias, dx, columns);
            return;
        }
        im2colBackward(g, x, w, null, null, pooled, dw, dbias, dx, columns);
    }

    /**
     * The output's gradient is {@code pooled}'s when given (with the bias gradient summed on the
     * way), else {@code dy}, masked where {@code rectifiedY} is given.
     */
    private void im2colBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] rectifiedY,
            float[] dy,
            PooledGradient pooled,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        checkScratch(g, columns);
        int scratch = (int) workerScratch(g);
        int parts = claimChunks(
                g,
                chunkImages(g),
                part -> {
                    if (part > 0) {
                        partial(partialWeightGrad, part, g.weightSize());
                        if (dbias != null) {
                            partial(partialBiasGrad, part, g.outChannels());
                        }
                    }
                },
                (part, first, n) -> {
                    float[] pdw = part == 0 ? dw : partialWeightGrad[part];
                    float[] pdb = dbias == null || part == 0 ? dbias : partialBiasGrad[part];
                    int colBase = part * scratch;
                    ConvGeometry cg = g.withBatch(n);
                    float[] dyT = staging(part, cg.outputSize());
                    if (pooled != null) {
                        pooled.intoChannelMajor(first, n, dyT, pdb);
                    } else {
                        toChannelMajor(cg, dy, rectifiedY, first, dyT);
                    }
                    Im2col.im2col(cg, x, first, columns, colBase, plane(part, g));
                    // dw[F, C·KH·KW] += dyᵀ[F, n·P] · columnsᵀ
                    gemm(
                            false,
                            true,
                            g.outChannels(),
                            g.patchSize(),
                            cg.columns(),
                            dyT,
                            0,
                            columns,
                            colBase,
                            1f,
                            pdw,
                            0);
                    if (pdb != null && pooled == null) {
                        addRowSums(dyT, g.outChannels(), cg.columns(), pdb);
                    }
                    if (dx != null) {
                        // columns[C·KH·KW, n·P] = wᵀ · dyᵀ, then summed back into (overwriting) the chunk's dx
                        gemm(
                                true,
                                false,
                                g.patchSize(),
                                cg.columns(),
                                g.outChannels(),
                                w,
                                0,
                                dyT,
                                0,
                                0f,
                                columns,
                                colBase);
                        Im2col.col2im(cg, columns, colBase, dx, first, plane(part, g));
                    }
                });
        for (int part = 1; part < parts; part++) {
            addInto(dw, partialWeightGrad[part], g.weightSize());
            if (dbias != null) {
                addInto(dbias, partialBiasGrad[part], g.outChannels());
            }
        }
    }

    /**
     * sums[r] += Σ of row r of the rows × cols matrix t, in double (a chunk has thousands of terms)
     * and in four interleaved partial sums: one running sum is a chain of dependent additions, which
     * took as long as the first convolution's weight-gradient GEMM.
     */
    static void addRowSums(float[] t, int rows, int cols, float[] sums) {
        for (int r = 0; r < rows; r++) {
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int i = r * cols;
            int end = i + cols;
            for (; i + 3 < end; i += 4) {
                s0 += t[i];
                s1 += t[i + 1];
                s2 += t[i + 2];
                s3 += t[i + 3];
            }
            for (; i < end; i++) {
                s0 += t[i];
            }
            sums[r] += (float) ((s0 + s1) + (s2 + s3));
        }
    }

    /**
     * dy[firstImage + n, F, P] for the chunk's images → t[F, n·P], the layout the GEMMs want; zero
     * where {@code rectifiedY ≤ 0} when it is given (the backward of a ReLU fused into the forward).
     */
    private static float[] toChannelMajor(ConvGeometry cg, float[] dy, float[] rectifiedY, int firstImage, float[] t) {
        int pixels = cg.outPixels();
        int f = cg.outChannels();
        int cols = cg.columns();
        for (int o = 0; o < f; o++) {
            for (int n = 0; n < cg.batch(); n++) {
                int src = ((firstImage + n) * f + o) * pixels;
                int dst = o * cols + n * pixels;
                if (rectifiedY == null) {
                    System.arraycopy(dy, src, t, dst, pixels);
                } else {
                    for (int p = 0; p < pixels; p++) {
                        t[dst + p] = Heaviside.pass(dy[src + p], rectifiedY[src + p]);
                    }
                }
            }
        }
        return t;
    }

    /** Worker {@code part}'s zeroed partial-sum buffer of at least {@code size}. */
    private static float[] partial(float[][] buffers, int part, int size) {
        if (buffers[part].length < size) {
            buffers[part] = new float[size];
        } else {
            Arrays.fill(buffers[part], 0, size, 0f);
        }
        return buffers[part];
    }

    private static void addInto(float[] target, float[] source, int size) {
        for (int i = 0; i < size; i++) {
            target[i] += source[i];
        }
    }

    /**
     * The convolution, then its pooling; a 2×2 pooling of a ReLU's output compares the floats' bits
     * as they are ({@link MaxPool#forward2x2Rectified}).
     */
    @Override
    public void convMaxPoolForward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] bias,
            boolean relu,
            float[] convOut,
            float[] columns,
            MaxPoolOutput pool) {
        PoolGeometry pg = pool.geometry();
        if (!relu || pg.kernel() != 2 || pg.stride() != 2) {
            Kernels.super.convMaxPoolForward(g, x, w, bias, relu, convOut, columns, pool);
            return;
        }
        pool.checkFollows(g);
        WinogradConvolution wino = winogradFor(g);
        SizeChecks.conv(g, x, w, convOut);
        if (wino == null) {
            im2colForward(g, x, w, bias, true, convOut, pool, columns);
        } else if (wino.poolsFromTiles(pg)) {
            winogradForward(wino, g, x, w, bias, true, convOut, pool, columns);
        } else {
            winogradForward(wino, g, x, w, bias, true, convOut, null, columns);
            parallel(
                    pg.batch() * pg.channels(),
                    (p0, p1) -> MaxPool.forward2x2Rectified(pg, convOut, pool.y(), pool.argmax(), p0, p1));
        }
    }

    @Override
    public void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        SizeChecks.atLeast("pooling input", x, g.inputSize());
        SizeChecks.atLeast("pooling output", y, g.outputSize());
        SizeChecks.atLeast("pooling argmax", argmax, g.outputSize());
        if (g.kernel() == 2 && g.stride() == 2) {
            parallel(g.batch() * g.channels(), (p0, p1) -> MaxPool.forward2x2(g, x, y, argmax, p0, p1));
        } else {
            parallel(g.batch() * g.channels(), (p0, p1) -> MaxPool.forward(g, x, y, argmax, p0, p1));
        }
    }

    @Override
    public void maxPoolBackward(PoolGeometry g, float[] dy, int[] argmax, float[] rectifiedY, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, g.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, g.inputSize());
        SizeChecks.atLeast("pooling argmax", argmax, g.outputSize());
        if (rectifiedY != null) {
            SizeChecks.atLeast("pooling rectified output", rectifiedY, g.outputSize());
        }
        int outPlane = g.outH() * g.outW();
        int inPlane = g.height() * g.width();
        parallel(g.batch() * g.channels(), (p0, p1) -> {
            Arrays.fill(dx, p0 * inPlane, p1 * inPlane, 0f); // each worker zeroes the planes it fills
            for (int i = p0 * outPlane; i < p1 * outPlane; i++) {
                int target = argmax[i];
                if (target < p0 * inPlane || target >= p1 * inPlane) {
                    throw new IllegalArgumentException("argmax " + target + " at " + i + " lies outside its plane");
                }
                dx[target] += rectifiedY == null ? dy[i] : Heaviside.pass(dy[i], rectifiedY[i]);
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
        Arrays.fill(dx, 0, g.inputSize(), 0f);
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

    /** Worker {@code part}'s scratch for im2col and col2im. */
    private Im2col.Scratch plane(int part, ConvGeometry g) {
        return planes[part].fit(g);
    }

    private float[] staging(int part, int size) {
        if (staging[part].length < size) {
            staging[part] = new float[size];
        }
        return staging[part];
    }

    /** Element loops split across the workers from this many elements on (below, a hand-off costs more). */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    @Override
    public void forRanges(int count, RangeBody body) {
        if (count < PARALLEL_ELEMENTS) {
            body.run(0, count);
        } else {
            parallel(count, body);
        }
    }

    private void parallel(int count, RangeBody body) {
        parallelParts(count, (part, from, to) -> body.run(from, to));
    }

    /** A chunk of images {@code [first, first + n)}, run by worker {@code part}. */
    interface ChunkBody {
        void run(int part, int first, int n);
    }

    /** What a worker does before its first chunk (zero its partial sums). */
    interface WorkerStart {
        void run(int part);
    }

    /** {@link #claimChunks(ConvGeometry, int, WorkerStart, ChunkBody)} with nothing to prepare. */
    private int claimChunks(ConvGeometry g, int chunk, ChunkBody body) {
        return claimChunks(g, chunk, part -> {}, body);
    }

    /**
     * Runs {@code body} over {@code g}'s batch in chunks of {@code chunk} images, and returns how many
     * workers ran ({@code start} first, on each). The workers claim the chunks one at a time as they
     * finish the last, in increasing order. With two fixed halves a job ends when the slower worker
     * does, and on a shared machine either is often slowed: the faster of CNN-S's second
     * convolution's two backward halves finished 1.3 ms (14%) before the slower on average, over 300
     * calls on this 2-core machine. Claimed chunks leave the slowed worker fewer.
     *
     * <p>Results that sum over images (the weight and bias gradients) then depend on which worker
     * took which chunk, in their rounding: runs with several threads agree to rounding, not bit for
     * bit. {@code -Dsparkdl.kernels.deterministic=true} deals each worker a fixed, contiguous run of
     * chunks instead, so that the same threads give the same bits. With one thread nothing changes.
     */
    private int claimChunks(ConvGeometry g, int chunk, WorkerStart start, ChunkBody body) {
        int count = g.batch();
        int chunks = (count + chunk - 1) / chunk;
        int workers = Math.min(workers(g), chunks);
        if (deterministic || workers < 2) {
            return parallelParts(workers, (part, from, to) -> {
                start.run(part);
                // workers [from, to): one, or all of them where the team runs this job serially
                int end = (int) ((long) chunks * to / workers);
                for (int c = (int) ((long) chunks * from / workers); c < end; c++) {
                    body.run(part, c * chunk, Math.min(chunk, count - c * chunk));
                }
            });
        }
        AtomicInteger next = new AtomicInteger();
        return parallelParts(workers, (part, from, to) -> {
            start.run(part);
            for (int c = next.getAndIncrement(); c < chunks; c = next.getAndIncrement()) {
                body.run(part, c * chunk, Math.min(chunk, count - c * chunk));
            }
        });
    }

    /**
     * Splits {@code [0, count)} into contiguous parts, one per worker (at most {@code threads}),
     * runs them and returns how many there were.
     */
    private int parallelParts(int count, WorkerTeam.PartBody body) {
        if (team == null || count < 2) {
            body.run(0, 0, count);
            return 1;
        }
        return team.run(count, body);
    }
}
