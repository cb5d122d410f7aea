package org.sparkdl.core.kernels;

/**
 * A stride-1 convolution by Winograd's minimal filtering, F(m×m, r×r): each m×m block of output
 * pixels comes from an α×α input tile (α = m + r − 1) through α² products per input and output
 * channel where im2col + GEMM spends m²·r². For CNN-S's second convolution, F(4×4, 5×5) needs 64
 * multiplications per 16 outputs against 400: each of its three GEMMs shrinks from 20.1 to 4.2 MFLOP
 * per image (the 14×14 output takes 4×4 tiles of 4×4, 16×16 pixels).
 *
 * <p>Per chunk of n images, with T tiles per image and Q = n·T, the forward pass is
 * <pre>
 *   S[α²][C, Q]  ← gather: the α×α input tiles, element (i, j) of every tile in array i·α + j
 *   V[α²][C, Q]  = Bᵀ S B            (per element of a tile, over all tiles at once: TileTransform)
 *   U[α²][F, C]  = G w Gᵀ            (once per call, shared by the workers)
 *   M[ξ][F, Q]   = U[ξ] · V[ξ]       (α² GEMMs)
 *   Y[m²][F, Q]  = Aᵀ M A
 *   y[N,F,OH,OW] ← scatter Y, + bias, ReLU when fused
 * </pre>
 * and the backward pass its adjoint: dY gathered from dy (masked by the fused ReLU), dM = A dY Aᵀ,
 * dU[ξ] += dM[ξ]·V[ξ]ᵀ (then dw += Gᵀ dU G once per call), dV[ξ] = U[ξ]ᵀ·dM[ξ], dS = B dV Bᵀ
 * scattered back (tiles overlap, so added) into dx. The bias gradient sums dY.
 *
 * <p>The results differ from the definition's by rounding: about 1e-6 of the output's largest value
 * with the points 0, ±1, ±2, ±1/2 (im2col's is about 1e-7); the kernels tests compare both with it.
 */
final class WinogradConvolution {
    private final WinogradMatrices matrices;
    private final int m;
    private final int r;
    private final int alpha;
    private final TileTransform input;
    private final TileTransform inputAdjoint;
    private final TileTransform weights;
    private final TileTransform weightsAdjoint;
    private final TileTransform output;
    private final TileTransform outputAdjoint;

    /** The transformed weights U[α²][F·C] of the current call, computed by the calling thread. */
    private float[][] u = new float[0][];
    /** The weights U was computed from. */
    private float[] uSource = new float[0];

    private float[][] weightPlanes = new float[0][];
    private float[][] weightScratch = new float[0][];

    WinogradConvolution(int m, int r) {
        this.matrices = WinogradMatrices.of(m, r);
        this.m = m;
        this.r = r;
        this.alpha = matrices.alpha();
        this.input = new TileTransform(matrices.bt());
        this.inputAdjoint = new TileTransform(WinogradMatrices.transpose(matrices.bt()));
        this.weights = new TileTransform(matrices.g());
        this.weightsAdjoint = new TileTransform(WinogradMatrices.transpose(matrices.g()));
        this.output = new TileTransform(matrices.at());
        this.outputAdjoint = new TileTransform(WinogradMatrices.transpose(matrices.at()));
    }

    /** Output tile side m. */
    int tile() {
        return m;
    }

    /** Arrays of a transformed tile: α². */
    int transformedPlanes() {
        return alpha * alpha;
    }

    /** E.g. {@code winograd F(2x2,5x5)}. */
    String describe() {
        return "winograd F(" + m + "x" + m + "," + r + "x" + r + ")";
    }

    /** The output tiles of one image of {@code g}: ⌈OH/m⌉·⌈OW/m⌉. */
    int tilesPerImage(ConvGeometry g) {
        return tilesH(g) * tilesW(g);
    }

    private int tilesH(ConvGeometry g) {
        return (g.outH() + m - 1) / m;
    }

    private int tilesW(ConvGeometry g) {
        return (g.outW() + m - 1) / m;
    }

    /** Floats per image of the largest per-chunk buffer (M: α² × F × T), for sizing chunks. */
    long floatsPerImage(ConvGeometry g) {
        return (long) alpha * alpha * Math.max(g.inChannels(), g.outChannels()) * tilesPerImage(g);
    }

    /**
     * U = G w Gᵀ for every (filter, channel): call before the workers' forward or backward chunks.
     * Where {@code w} is exactly the array of values U was last computed from (compared in full, not
     * by a checksum: an optimizer's step may change weights by less than a sum's rounding) it is not
     * computed again: the backward follows its forward with the same weights, and scoring runs many
     * batches with one set. With two layers of one kernel size each call recomputes it.
     */
    void transformWeights(ConvGeometry g, float[] w, Ranges ranges) {
        int size = g.weightSize();
        if (uSource.length == size && java.util.Arrays.equals(uSource, 0, size, w, 0, size)) {
            return;
        }
        int fc = g.outChannels() * g.inChannels();
        weightPlanes = planes(weightPlanes, r * r, fc);
        weightScratch = planes(weightScratch, weights.scratchPlanes(), fc);
        u = planes(u, alpha * alpha, fc);
        int area = r * r;
        ranges.run(fc, (from, to) -> {
            for (int kc = from; kc < to; kc++) {
                for (int e = 0; e < area; e++) {
                    weightPlanes[e][kc] = w[kc * area + e];
                }
            }
            weights.apply(weightPlanes, weightScratch, u, from, to);
        });
        if (uSource.length != size) {
            uSource = new float[size];
        }
        System.arraycopy(w, 0, uSource, 0, size);
    }

    /**
     * {@code dw += Gᵀ dU G}, dU the sum of the first {@code parts} workers' shares ({@link
     * #weightGradient}), added in worker order into worker 0's.
     */
    void addWeightGradient(ConvGeometry g, Scratch[] workers, int parts, float[] dw, Ranges ranges) {
        int fc = g.outChannels() * g.inChannels();
        weightPlanes = planes(weightPlanes, r * r, fc);
        weightScratch = planes(weightScratch, weightsAdjoint.scratchPlanes(), fc);
        float[][] du = workers[0].weightGrad;
        int area = r * r;
        ranges.run(fc, (from, to) -> {
            for (int part = 1; part < parts; part++) {
                for (int xi = 0; xi < alpha * alpha; xi++) {
                    float[] sum = du[xi];
                    float[] share = workers[part].weightGrad[xi];
                    for (int e = from; e < to; e++) {
                        sum[e] += share[e];
                    }
                }
            }
            weightsAdjoint.apply(du, weightScratch, weightPlanes, from, to);
            for (int kc = from; kc < to; kc++) {
                for (int e = 0; e < area; e++) {
                    dw[kc * area + e] += weightPlanes[e][kc];
                }
            }
        });
    }

    /** Runs a body over {@code [0, count)} in contiguous ranges, on the workers or the calling thread. */
    interface Ranges {
        void run(int count, Kernels.RangeBody body);
    }

    /** A worker's buffers; they grow to the largest chunk seen and are reused. */
    static final class Scratch {
        float[][] tiles = new float[0][];
        float[][] transformed = new float[0][];
        float[][] products = new float[0][];
        float[][] outputs = new float[0][];
        float[][] tmp = new float[0][];
        /** The worker's share of dU, α² arrays of F·C. */
        float[][] weightGrad = new float[0][];

        private float[] plane = new float[0];
        private final TileOrigins inputOrigins = new TileOrigins();
        private final TileOrigins outputOrigins = new TileOrigins();
        private final PixelTiles pixelTiles = new PixelTiles();
        private final PixelSources pixelSources = new PixelSources();
        /** x's checksums now, against those the forward kept. */
        private final float[] sums = new float[2];

        /**
         * A zeroed plane of {@code rows × cols} for bordered copies. Zeroed on every call: the
         * copies write the interior, the border must read 0, and a plane is a few hundred floats.
         */
        float[] paddedPlane(int rows, int cols) {
            if (plane.length < rows * cols) {
                plane = new float[rows * cols];
            } else {
                java.util.Arrays.fill(plane, 0, rows * cols, 0f);
            }
            return plane;
        }
    }

    /**
     * Where each tile starts in a plane of whole tiles: {@code at[ty·TW + tx] = m·ty·rowStride + m·tx}.
     * The gathers and scatters walk a tile element's plane through it, all T tiles in one loop:
     * 22–24 against 33–35 µs per image for CNN-S's second convolution's gather on one thread, and
     * 19–21 against 28 for the output's scatter, than the nested loops over tile rows and columns
     * (only ⌈OW/m⌉ = 4 long).
     */
    static final class TileOrigins {
        private int[] at = new int[0];
        private int th = -1;
        private int tw = -1;
        private int m = -1;
        private int rowStride = -1;

        int[] of(int th, int tw, int m, int rowStride) {
            if (th != this.th || tw != this.tw || m != this.m || rowStride != this.rowStride) {
                at = new int[th * tw];
                for (int ty = 0; ty < th; ty++) {
                    for (int tx = 0; tx < tw; tx++) {
                        at[ty * tw + tx] = m * ty * rowStride + m * tx;
                    }
                }
                this.th = th;
                this.tw = tw;
                this.m = m;
                this.rowStride = rowStride;
            }
            return at;
        }
    }

    /**
     * Where each output pixel lies among the tiles: pixel {@code oy·OW + ox} is element {@code
     * plane[e] = (oy mod m)·m + ox mod m} of tile {@code tile[e] = ⌊oy/m⌋·TW + ⌊ox/m⌋}, for routing
     * a pooling's gradient straight into dY's planes ({@link PooledGradient#intoTiles}).
     */
    static final class PixelTiles {
        private int[] plane = new int[0];
        private int[] tile = new int[0];
        private int oh = -1;
        private int ow = -1;
        private int m = -1;

        PixelTiles of(int oh, int ow, int m) {
            if (oh != this.oh || ow != this.ow || m != this.m) {
                plane = new int[oh * ow];
                tile = new int[oh * ow];
                int tw = (ow + m - 1) / m;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        plane[oy * ow + ox] = (oy % m) * m + ox % m;
                        tile[oy * ow + ox] = (oy / m) * tw + ox / m;
                    }
                }
                this.oh = oh;
                this.ow = ow;
                this.m = m;
            }
            return this;
        }
    }

    /** Arrays for a worker's share of dU, zeroed: call once per backward call, before its chunks. */
    float[][] weightGradient(Scratch s, ConvGeometry g) {
        int fc = g.outChannels() * g.inChannels();
        s.weightGrad = planes(s.weightGrad, alpha * alpha, fc);
        for (float[] a : s.weightGrad) {
            java.util.Arrays.fill(a, 0, fc, 0f);
        }
        return s.weightGrad;
    }

    /**
     * Forward for images {@code [first, first + n)}: y = conv(x, w) + bias, rectified when {@code
     * relu}; or, where {@code pool} is given, only the 2×2 max pooling of that ({@link
     * #poolOutput}), y left unwritten. {@link #transformWeights} must have run for this call's
     * weights.
     */
    void forward(
            ConvGeometry g,
            float[] x,
            int first,
            int n,
            float[] bias,
            boolean relu,
            float[] y,
            MaxPoolOutput pool,
            float[] kept,
            Scratch s,
            CpuKernels.SerialGemm gemm) {
        int q = n * tilesPerImage(g);
        int c = g.inChannels();
        int f = g.outChannels();
        transformInput(g, x, first, n, s);
        s.products = planes(s.products, alpha * alpha, f * q);
        for (int xi = 0; xi < alpha * alpha; xi++) {
            // M[ξ][F, Q] = U[ξ][F, C] · V[ξ][C, Q]
            gemm.run(false, false, f, q, c, u[xi], 0, s.transformed[xi], 0, 0f, s.products[xi], 0);
        }
        if (kept != null) {
            keep(g, x, first, n, s.transformed, kept);
        }
        s.outputs = planes(s.outputs, m * m, f * q);
        s.tmp = planes(s.tmp, output.scratchPlanes(), f * q);
        output.apply(s.products, s.tmp, s.outputs, f * q);
        if (pool != null) {
            poolOutput(g, first, n, s.outputs, bias, pool);
        } else {
            scatterOutput(g, first, n, s.outputs, bias, relu, y, s);
        }
    }

    /** Whether {@link #forward} can pool {@code pool} (after a ReLU) from the output tiles: 2×2 windows of stride 2 inside m×m tiles. */
    boolean poolsFromTiles(PoolGeometry pool) {
        return pool.kernel() == 2 && pool.stride() == 2 && m % 2 == 0;
    }

    /**
     * The 2×2, stride-2 max pooling of the rectified output, read from the output tiles: with m
     * even, window (py, px) lies inside one tile, its pixels elements (a, b), (a, b + 1), (a + 1,
     * b), (a + 1, b + 1) of that tile, so the same element of four planes. The full-size output is
     * never written: its scatter was 19–21 µs per image of CNN-S's second convolution on one
     * thread. Bit for bit {@link #scatterOutput} with the ReLU then {@link
     * MaxPool#forward2x2Rectified}: the same sums, the same order of comparison.
     */
    void poolOutput(ConvGeometry g, int first, int n, float[][] outputs, float[] bias, MaxPoolOutput pool) {
        PoolGeometry pg = pool.geometry();
        int ph = pg.outH();
        int pw = pg.outW();
        int ow = g.outW();
        int tw = tilesW(g);
        int t = tilesH(g) * tw;
        int q = n * t;
        float[] y = pool.y();
        int[] argmax = pool.argmax();
        int half = m / 2;
        for (int img = 0; img < n; img++) {
            for (int f = 0; f < g.outChannels(); f++) {
                float bf = bias == null ? 0f : bias[f];
                int plane = (first + img) * g.outChannels() + f;
                int pixels = plane * g.outH() * ow;
                int col = f * q + img * t;
                // window (wy, wx) of every tile: four fixed planes, then the tiles
                for (int wy = 0; wy < half; wy++) {
                    for (int wx = 0; wx < half; wx++) {
                        int ab = 2 * wy * m + 2 * wx;
                        float[] p00 = outputs[ab];
                        float[] p01 = outputs[ab + 1];
                        float[] p10 = outputs[ab + m];
                        float[] p11 = outputs[ab + m + 1];
                        for (int py = wy; py < ph; py += half) {
                            int row = col + (py / half) * tw;
                            int out = (plane * ph + py) * pw;
                            int top = pixels + 2 * py * ow;
                            for (int px = wx; px < pw; px += half) {
                                int k = row + px / half;
                                int i0 = top + 2 * px;
                                int i1 = i0 + ow;
                                int best = i0;
                                int bestBits = Float.floatToRawIntBits(Math.max(p00[k] + bf, 0f));
                                int candidate = Float.floatToRawIntBits(Math.max(p01[k] + bf, 0f));
                                best = MaxPool.select(best, i0 + 1, bestBits, candidate);
                                bestBits = Math.max(bestBits, candidate);
                                candidate = Float.floatToRawIntBits(Math.max(p10[k] + bf, 0f));
                                best = MaxPool.select(best, i1, bestBits, candidate);
                                bestBits = Math.max(bestBits, candidate);
                                candidate = Float.floatToRawIntBits(Math.max(p11[k] + bf, 0f));
                                best = MaxPool.select(best, i1 + 1, bestBits, candidate);
                                bestBits = Math.max(bestBits, candidate);
                                y[out + px] = Float.intBitsToFloat(bestBits);
                                argmax[out + px] = best;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Backward for images {@code [first, first + n)}: the worker's dU ({@link #weightGradient}) +=,
     * {@code dbias +=} (may be null), and {@code dx} overwritten for these images (may be null).
     * The output's gradient is {@code pooled}'s, routed through its pooling, or else {@code dy},
     * masked by the fused ReLU's backward where {@code rectifiedY} is given.
     */
    void backward(
            ConvGeometry g,
            float[] x,
            int first,
            int n,
            float[] rectifiedY,
            float[] dy,
            PooledGradient pooled,
            float[] dbias,
            float[] dx,
            float[] kept,
            Scratch s,
            CpuKernels.SerialGemm gemm) {
        int q = n * tilesPerImage(g);
        int c = g.inChannels();
        int f = g.outChannels();
        // V as the forward pass kept it for these images, else (nothing kept, or another x) again
        float[] v = null;
        int vAt = 0;
        if (kept != null && isKept(g, x, first, n, kept, s)) {
            v = kept;
            vAt = keptAt(g, first);
        } else {
            transformInput(g, x, first, n, s);
        }
        s.outputs = planes(s.outputs, m * m, f * q);
        if (pooled != null) {
            PixelTiles at = s.pixelTiles.of(g.outH(), g.outW(), m);
            pooled.intoTiles(first, n, s.outputs, m * m, at.plane, at.tile, tilesPerImage(g), dbias);
        } else {
            gatherOutputGradient(g, first, n, dy, rectifiedY, s.outputs, s);
        }
        if (dbias != null && pooled == null) {
            for (int ab = 0; ab < m * m; ab++) {
                CpuKernels.addRowSums(s.outputs[ab], f, q, dbias);
            }
        }
        // dM = A dY Aᵀ
        s.products = planes(s.products, alpha * alpha, f * q);
        s.tmp = planes(s.tmp, Math.max(outputAdjoint.scratchPlanes(), input.scratchPlanes()), Math.max(f, c) * q);
        outputAdjoint.apply(s.outputs, s.tmp, s.products, f * q);
        for (int xi = 0; xi < alpha * alpha; xi++) {
            // dU[ξ][F, C] += dM[ξ][F, Q] · V[ξ][C, Q]ᵀ
            if (v != null) {
                gemm.run(false, true, f, c, q, s.products[xi], 0, v, vAt + xi * c * q, 1f, s.weightGrad[xi], 0);
            } else {
                gemm.run(false, true, f, c, q, s.products[xi], 0, s.transformed[xi], 0, 1f, s.weightGrad[xi], 0);
            }
        }
        if (dx == null) {
            return;
        }
        s.transformed = planes(s.transformed, alpha * alpha, c * q);
        for (int xi = 0; xi < alpha * alpha; xi++) {
            // dV[ξ][C, Q] = U[ξ][F, C]ᵀ · dM[ξ][F, Q]
            gemm.run(true, false, c, q, f, u[xi], 0, s.products[xi], 0, 0f, s.transformed[xi], 0);
        }
        // dS = B dV Bᵀ
        s.tiles = planes(s.tiles, alpha * alpha, c * q);
        inputAdjoint.apply(s.transformed, s.tmp, s.tiles, c * q);
        scatterInputGradient(g, first, n, s.tiles, dx, s);
    }

    /**
     * Floats of a batch's kept V, the forward's for the backward: two checksum floats per image, then
     * per chunk its α² planes of C·n·T at its first image's place (2.1 M floats for CNN-S's second
     * convolution at batch 64 with F(4×4, 5×5)). Keeping it saves the backward the gather and
     * transform of the input: 360 against 455 µs per image with F(2×2, 5×5), measured.
     */
    long keptSize(ConvGeometry g) {
        return 2L * g.batch() + (long) g.batch() * alpha * alpha * g.inChannels() * tilesPerImage(g);
    }

    private int keptAt(ConvGeometry g, int first) {
        return 2 * g.batch() + first * alpha * alpha * g.inChannels() * tilesPerImage(g);
    }

    private void keep(ConvGeometry g, float[] x, int first, int n, float[][] v, float[] kept) {
        int len = g.inChannels() * n * tilesPerImage(g);
        int at = keptAt(g, first);
        for (int xi = 0; xi < alpha * alpha; xi++) {
            System.arraycopy(v[xi], 0, kept, at + xi * len, len);
        }
        checksum(g, x, first, n, kept, 2 * first);
    }

    /**
     * Whether {@code kept} holds V of these images of this x: the checksums the forward pass wrote
     * match x now. A backward whose x differs from its forward's (another batch, or the same array
     * rewritten) recomputes V instead of using the wrong one.
     */
    private static boolean isKept(ConvGeometry g, float[] x, int first, int n, float[] kept, Scratch s) {
        float[] now = s.sums;
        checksum(g, x, first, n, now, 0);
        return Float.compare(now[0], kept[2 * first]) == 0 && Float.compare(now[1], kept[2 * first + 1]) == 0;
    }

    /**
     * Two sums over the images' inputs, plain and position-weighted (weights 1, 2, 3, … as floats,
     * exact to 2²⁴ elements), into {@code out[at]}, {@code out[at + 1]}; four of each interleaved.
     * 3.3 against 4.3–5.3 µs per image of CNN-S's second convolution with integer weights {@code i
     * mod 16}, whose conversions to float cost more than the sums.
     */
    private static void checksum(ConvGeometry g, float[] x, int first, int n, float[] out, int at) {
        int size = g.inChannels() * g.height() * g.width();
        float a0 = 0f;
        float a1 = 0f;
        float a2 = 0f;
        float a3 = 0f;
        float b0 = 0f;
        float b1 = 0f;
        float b2 = 0f;
        float b3 = 0f;
        float w0 = 1f;
        float w1 = 2f;
        float w2 = 3f;
        float w3 = 4f;
        int to = (first + n) * size;
        int i = first * size;
        for (; i + 3 < to; i += 4) {
            a0 += x[i];
            a1 += x[i + 1];
            a2 += x[i + 2];
            a3 += x[i + 3];
            b0 += x[i] * w0;
            b1 += x[i + 1] * w1;
            b2 += x[i + 2] * w2;
            b3 += x[i + 3] * w3;
            w0 += 4f;
            w1 += 4f;
            w2 += 4f;
            w3 += 4f;
        }
        for (; i < to; i++) {
            a0 += x[i];
            b0 += x[i] * w0;
            w0 += 1f;
        }
        out[at] = (a0 + a1) + (a2 + a3);
        out[at + 1] = (b0 + b1) + (b2 + b3);
    }

    /** S ← the input tiles of images [first, first + n), then V = Bᵀ S B. */
    private void transformInput(ConvGeometry g, float[] x, int first, int n, Scratch s) {
        int len = g.inChannels() * n * tilesPerImage(g);
        s.tiles = planes(s.tiles, alpha * alpha, len);
        s.transformed = planes(s.transformed, alpha * alpha, len);
        s.tmp = planes(s.tmp, input.scratchPlanes(), len);
        gatherInput(g, x, first, n, s);
        input.apply(s.tiles, s.tmp, s.transformed, len);
    }

    /**
     * tiles[i·α + j][c·Q + img·T + ty·TW + tx] = x[first + img, c, m·ty + i − pad, m·tx + j − pad], 0
     * outside. Each plane goes through a zero-bordered copy covering every tile, so the gather
     * itself has no bounds tests (with them it took as long as the transformed GEMMs).
     */
    void gatherInput(ConvGeometry g, float[] x, int first, int n, Scratch s) {
        float[][] tiles = s.tiles;
        int th = tilesH(g);
        int tw = tilesW(g);
        int t = th * tw;
        int q = n * t;
        int pw = m * tw + r - 1;
        float[] padded = s.paddedPlane(m * th + r - 1, pw);
        int[] origin = s.inputOrigins.of(th, tw, m, pw);
        for (int img = 0; img < n; img++) {
            for (int c = 0; c < g.inChannels(); c++) {
                copyIntoBorder(x, ((first + img) * g.inChannels() + c) * g.height() * g.width(), g, padded, pw);
                int col = c * q + img * t;
                for (int i = 0; i < alpha; i++) {
                    for (int j = 0; j < alpha; j++) {
                        float[] plane = tiles[i * alpha + j];
                        int at = i * pw + j;
                        for (int k = 0; k < t; k++) {
                            plane[col + k] = padded[at + origin[k]];
                        }
                    }
                }
            }
        }
    }

    /** The plane at {@code from} of {@code g}'s input into {@code padded}'s interior (row length pw, offset by the padding). */
    private static void copyIntoBorder(float[] x, int from, ConvGeometry g, float[] padded, int pw) {
        int w = g.width();
        for (int row = 0; row < g.height(); row++) {
            System.arraycopy(x, from + row * w, padded, (row + g.pad()) * pw + g.pad(), w);
        }
    }

    /**
     * y[first + img, f, m·ty + a, m·tx + b] = Y[a·m + b][f·Q + img·T + tile] + bias[f] (ReLU), through a
     * plane of whole tiles whose rows are cut to the output's width when copied out.
     */
    void scatterOutput(
            ConvGeometry g, int first, int n, float[][] outputs, float[] bias, boolean relu, float[] y, Scratch s) {
        int oh = g.outH();
        int ow = g.outW();
        int th = tilesH(g);
        int tw = tilesW(g);
        int t = th * tw;
        int q = n * t;
        int pw = m * tw;
        float[] whole = s.paddedPlane(m * th, pw);
        int[] origin = s.outputOrigins.of(th, tw, m, pw);
        for (int img = 0; img < n; img++) {
            for (int f = 0; f < g.outChannels(); f++) {
                float bf = bias == null ? 0f : bias[f];
                int col = f * q + img * t;
                for (int a = 0; a < m; a++) {
                    for (int b = 0; b < m; b++) {
                        float[] in = outputs[a * m + b];
                        int at = a * pw + b;
                        if (relu) {
                            for (int k = 0; k < t; k++) {
                                whole[at + origin[k]] = Math.max(in[col + k] + bf, 0f);
                            }
                        } else {
                            for (int k = 0; k < t; k++) {
                                whole[at + origin[k]] = in[col + k] + bf;
                            }
                        }
                    }
                }
                int plane = ((first + img) * g.outChannels() + f) * oh * ow;
                for (int row = 0; row < oh; row++) {
                    System.arraycopy(whole, row * pw, y, plane + row * ow, ow);
                }
            }
        }
    }

    /** The transpose of {@link #scatterOutput} for dy (masked where the fused ReLU cut), 0 outside the output. */
    private void gatherOutputGradient(
            ConvGeometry g, int first, int n, float[] dy, float[] rectifiedY, float[][] outputs, Scratch s) {
        int oh = g.outH();
        int ow = g.outW();
        int th = tilesH(g);
        int tw = tilesW(g);
        int t = th * tw;
        int q = n * t;
        int pw = m * tw;
        float[] whole = s.paddedPlane(m * th, pw);
        int[] origin = s.outputOrigins.of(th, tw, m, pw);
        for (int img = 0; img < n; img++) {
            for (int f = 0; f < g.outChannels(); f++) {
                int plane = ((first + img) * g.outChannels() + f) * oh * ow;
                for (int row = 0; row < oh; row++) {
                    int from = plane + row * ow;
                    if (rectifiedY == null) {
                        System.arraycopy(dy, from, whole, row * pw, ow);
                    } else {
                        int to = row * pw - from;
                        for (int e = from; e < from + ow; e++) {
                            whole[e + to] = Heaviside.pass(dy[e], rectifiedY[e]);
                        }
                    }
                }
                int col = f * q + img * t;
                for (int a = 0; a < m; a++) {
                    for (int b = 0; b < m; b++) {
                        float[] out = outputs[a * m + b];
                        int at = a * pw + b;
                        for (int k = 0; k < t; k++) {
                            out[col + k] = whole[at + origin[k]];
                        }
                    }
                }
            }
        }
    }

    /**
     * dx[first + img] = the sum, over the tiles that cover each pixel, of dS (the transpose of {@link
     * #gatherInput}), pixel by pixel from its sources ({@link PixelSources}): each pixel's sum is
     * formed in a register and stored once, where adding every tile element into a zeroed plane
     * read, added and stored each of the α²·T elements of a channel.
     */
    private void scatterInputGradient(ConvGeometry g, int first, int n, float[][] tiles, float[] dx, Scratch s) {
        int pixels = g.height() * g.width();
        int t = tilesPerImage(g);
        int q = n * t;
        int c = g.inChannels();
        PixelSources from = s.pixelSources.of(g, m, alpha, tilesH(g), tilesW(g));
        int per = from.perPixel;
        int[] plane = from.plane;
        int[] tile = from.tile;
        float[][] src = from.planes(tiles, alpha * alpha, c * q);
        for (int img = 0; img < n; img++) {
            for (int ch = 0; ch < c; ch++) {
                int col = ch * q + img * t;
                int out = ((first + img) * c + ch) * pixels;
                if (per == 4) {
                    for (int e = 0, k = 0; e < pixels; e++, k += 4) {
                        // in the order of the planes, as when they were added into a zeroed plane
                        float sum = 0f + src[plane[k]][col + tile[k]];
                        sum += src[plane[k + 1]][col + tile[k + 1]];
                        sum += src[plane[k + 2]][col + tile[k + 2]];
                        sum += src[plane[k + 3]][col + tile[k + 3]];
                        dx[out + e] = sum;
                    }
                } else {
                    for (int e = 0, k = 0; e < pixels; e++) {
                        float sum = 0f;
                        for (int end = k + per; k < end; k++) {
                            sum += src[plane[k]][col + tile[k]];
                        }
                        dx[out + e] = sum;
                    }
                }
            }
        }
    }

    /**
     * Where each input pixel's gradient comes from in dS: pixel e (of H×W) lies in at most
     * ⌈α/m⌉² of the overlapping α×α tiles; its sources {@code k = e·P … e·P + P − 1} (P that bound)
     * are element {@code plane[k]} of tile {@code tile[k]}, in increasing order of plane, padded
     * with a plane of zeros (index α²) where fewer tiles cover it.
     */
    static final class PixelSources {
        int perPixel;
        int[] plane = new int[0];
        int[] tile = new int[0];
        private float[] zeros = new float[0];
        private float[][] view = new float[0][];
        private final int[] key = new int[6];

        PixelSources of(ConvGeometry g, int m, int alpha, int th, int tw) {
            int[] now = {g.height(), g.width(), g.pad(), m, alpha, th * 1000 + tw};
            if (java.util.Arrays.equals(now, key)) {
                return this;
            }
            int side = (alpha + m - 1) / m;
            perPixel = side * side;
            int pixels = g.height() * g.width();
            plane = new int[perPixel * pixels];
            tile = new int[perPixel * pixels];
            for (int y = 0; y < g.height(); y++) {
                for (int x = 0; x < g.width(); x++) {
                    int k = perPixel * (y * g.width() + x);
                    int found = 0;
                    int row = y + g.pad();
                    int column = x + g.pad();
                    // tiles in decreasing ty, then tx: their element rows, then columns, increase
                    for (int ty = Math.min(th - 1, row / m); ty >= 0 && row - m * ty < alpha; ty--) {
                        for (int tx = Math.min(tw - 1, column / m); tx >= 0 && column - m * tx < alpha; tx--) {
                            plane[k + found] = (row - m * ty) * alpha + column - m * tx;
                            tile[k + found] = ty * tw + tx;
                            found++;
                        }
                    }
                    for (; found < perPixel; found++) {
                        plane[k + found] = alpha * alpha;
                        tile[k + found] = 0;
                    }
                }
            }
            System.arraycopy(now, 0, key, 0, key.length);
            return this;
        }

        /** The first {@code count} tile planes, then a plane of at least {@code len} zeros. */
        float[][] planes(float[][] tiles, int count, int len) {
            if (zeros.length < len) {
                zeros = new float[len];
            }
            if (view.length != count + 1) {
                view = new float[count + 1][];
            }
            System.arraycopy(tiles, 0, view, 0, count);
            view[count] = zeros;
            return view;
        }
    }

    /** {@code count} arrays of at least {@code len} floats, keeping those of {@code old} that are large enough. */
    private static float[][] planes(float[][] old, int count, int len) {
        float[][] out = old.length >= count ? old : java.util.Arrays.copyOf(old, count);
        for (int i = 0; i < count; i++) {
            if (out[i] == null || out[i].length < len) {
                out[i] = new float[len];
            }
        }
        return out;
    }
}
