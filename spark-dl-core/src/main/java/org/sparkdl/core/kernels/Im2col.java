package org.sparkdl.core.kernels;

import java.util.Arrays;

/**
 * The batched im2col layout: row {@code (c·KH + ki)·KW + kj}, column {@code n·OH·OW + oy·OW + ox}
 * holds {@code x[n, c, oy·stride − pad + ki, ox·stride − pad + kj]} (zero outside the image). One
 * GEMM with the F×(C·KH·KW) weights then convolves a block of images.
 *
 * <p>Stride 1 (the common case) goes through <em>column-shifted planes</em> ({@link Shifted}):
 * for each kernel column kj, the padded plane's rows cut to the output width and shifted by kj.
 * Kernel row ki's block of the column matrix is then rows ki … ki + OH − 1 of that plane, one
 * contiguous copy of OH·OW floats, and col2im adds such blocks back the same way. A 5×5 kernel on
 * a 14×14 plane needs 90 short row copies and 25 long block copies per channel instead of 350
 * short ones: short copies cost their call, not their floats.
 *
 * <p>Other strides go through a zero-bordered copy of one image plane ({@link Plane}), so every
 * row segment is one plain loop with no padding cases.
 */
final class Im2col {
    private Im2col() {}

    /** One thread's scratch for {@link #im2col} and {@link #col2im}; grows, never shrinks. */
    static final class Scratch {
        private float[] planes = new float[0];
        /**
         * col2im's copy of a column block at the very index it is added to: C2 (Java 17) vectorises
         * a loop whose loads and store share one offset, not one whose offsets differ (0.12 against
         * 0.36 ns per element, copy included).
         */
        private float[] aligned = new float[0];

        Scratch fit(ConvGeometry g) {
            int size = scratchSize(g);
            if (planes.length < size) {
                planes = new float[size];
                aligned = new float[size];
            }
            return this;
        }
    }

    /** Floats of each of the scratch arrays for {@code g}. */
    private static int scratchSize(ConvGeometry g) {
        int paddedH = g.height() + 2 * g.pad();
        if (g.stride() == 1) {
            return g.kernelW() * paddedH * g.outW();
        }
        return paddedH * (g.width() + 2 * g.pad());
    }

    /**
     * Stride 1: for each kernel column kj, a plane of H + 2·pad rows × OW holding {@code
     * x[r − pad, ox + kj − pad]} (zero outside the image): the im2col rows (c, ki, kj) of one image
     * are its rows ki … ki + OH − 1, contiguous.
     */
    private static final class Shifted {
        final int rows;
        final int width;
        final float[] data;

        Shifted(ConvGeometry g, float[] scratch) {
            rows = g.height() + 2 * g.pad();
            width = g.outW();
            data = scratch;
        }

        int base(int kj) {
            return kj * rows * width;
        }

        /** Fills every shifted plane from the image plane at {@code x[xBase]}. */
        void load(ConvGeometry g, float[] x, int xBase) {
            int pad = g.pad();
            for (int kj = 0; kj < g.kernelW(); kj++) {
                int shift = kj - pad; // the image column of output column 0
                int from = Math.max(0, -shift);
                int to = Math.min(width, g.width() - shift);
                for (int r = 0; r < rows; r++) {
                    int row = base(kj) + r * width;
                    int iy = r - pad;
                    if (iy < 0 || iy >= g.height() || from >= to) {
                        Arrays.fill(data, row, row + width, 0f);
                        continue;
                    }
                    Arrays.fill(data, row, row + from, 0f);
                    System.arraycopy(x, xBase + iy * g.width() + from + shift, data, row + from, to - from);
                    Arrays.fill(data, row + to, row + width, 0f);
                }
            }
        }

        /** Overwrites the image plane at {@code dx[dxBase]} with the sum of the planes, unshifted. */
        void storeSum(ConvGeometry g, float[] dx, int dxBase) {
            int pad = g.pad();
            for (int iy = 0; iy < g.height(); iy++) {
                int out = dxBase + iy * g.width();
                Arrays.fill(dx, out, out + g.width(), 0f);
                for (int kj = 0; kj < g.kernelW(); kj++) {
                    int shift = kj - pad;
                    int from = Math.max(0, shift);
                    int to = Math.min(g.width(), width + shift);
                    int src = base(kj) + (iy + pad) * width - shift;
                    for (int ix = from; ix < to; ix++) {
                        dx[out + ix] += data[src + ix];
                    }
                }
            }
        }
    }

    /** A zero-bordered plane in the caller's scratch (at least {@link #scratchSize} floats). */
    private static final class Plane {
        final int pad;
        final int width;
        final float[] data;

        static int size(ConvGeometry g) {
            return (g.height() + 2 * g.pad()) * (g.width() + 2 * g.pad());
        }

        Plane(ConvGeometry g, float[] scratch) {
            pad = g.pad();
            width = g.width() + 2 * pad;
            data = scratch;
            Arrays.fill(data, 0, size(g), 0f); // the border; load() only writes the interior
        }

        /** Copies the image plane starting at {@code x[base]} into the interior. */
        void load(ConvGeometry g, float[] x, int base) {
            for (int iy = 0; iy < g.height(); iy++) {
                System.arraycopy(x, base + iy * g.width(), data, (iy + pad) * width + pad, g.width());
            }
        }

        /** Copies the interior out to the image plane starting at {@code dx[base]} (overwriting it). */
        void store(ConvGeometry g, float[] dx, int base) {
            for (int iy = 0; iy < g.height(); iy++) {
                System.arraycopy(data, (iy + pad) * width + pad, dx, base + iy * g.width(), g.width());
            }
        }
    }

    /**
     * Fills the column matrix (at {@code col[colBase]}) of the {@code g.batch()} images that start at
     * image {@code firstImage} of {@code x}.
     */
    static void im2col(ConvGeometry g, float[] x, int firstImage, float[] col, int colBase, Scratch scratch) {
        if (g.stride() == 1) {
            im2colShifted(g, x, firstImage, col, colBase, scratch);
            return;
        }
        Plane plane = new Plane(g, scratch.planes);
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int cols = g.columns();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                plane.load(g, x, ((firstImage + n) * g.inChannels() + c) * g.height() * g.width());
                float[] src = plane.data;
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        int dst = colBase + ((c * kh + ki) * kw + kj) * cols + n * oh * ow;
                        for (int oy = 0; oy < oh; oy++, dst += ow) {
                            int from = (oy * s + ki) * plane.width + kj;
                            if (s == 1) {
                                System.arraycopy(src, from, col, dst, ow);
                            } else {
                                for (int ox = 0; ox < ow; ox++) {
                                    col[dst + ox] = src[from + ox * s];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Sums the column matrix of the {@code g.batch()} images that start at image {@code firstImage}
     * back into their input gradients in {@code dx}, overwriting them: each image plane is
     * accumulated in scratch and copied out, so the caller need not zero dx.
     */
    static void col2im(ConvGeometry g, float[] col, int colBase, float[] dx, int firstImage, Scratch scratch) {
        if (g.stride() == 1) {
            col2imShifted(g, col, colBase, dx, firstImage, scratch);
            return;
        }
        Plane plane = new Plane(g, scratch.planes);
        float[] acc = plane.data;
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int cols = g.columns();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                Arrays.fill(acc, 0, Plane.size(g), 0f);
                for (int ki = 0; ki < kh; ki++) {
                    for (int kj = 0; kj < kw; kj++) {
                        int src = colBase + ((c * kh + ki) * kw + kj) * cols + n * oh * ow;
                        for (int oy = 0; oy < oh; oy++, src += ow) {
                            int to = (oy * s + ki) * plane.width + kj;
                            if (s == 1) { // a unit-stride loop the JIT vectorises
                                for (int ox = 0; ox < ow; ox++) {
                                    acc[to + ox] += col[src + ox];
                                }
                            } else {
                                for (int ox = 0; ox < ow; ox++) {
                                    acc[to + ox * s] += col[src + ox];
                                }
                            }
                        }
                    }
                }
                plane.store(g, dx, ((firstImage + n) * g.inChannels() + c) * g.height() * g.width());
            }
        }
    }

    private static void im2colShifted(
            ConvGeometry g, float[] x, int firstImage, float[] col, int colBase, Scratch scratch) {
        Shifted shifted = new Shifted(g, scratch.planes);
        int kh = g.kernelH();
        int kw = g.kernelW();
        int block = g.outH() * g.outW();
        int cols = g.columns();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                shifted.load(g, x, ((firstImage + n) * g.inChannels() + c) * g.height() * g.width());
                for (int kj = 0; kj < kw; kj++) {
                    for (int ki = 0; ki < kh; ki++) {
                        int dst = colBase + ((c * kh + ki) * kw + kj) * cols + n * block;
                        System.arraycopy(shifted.data, shifted.base(kj) + ki * shifted.width, col, dst, block);
                    }
                }
            }
        }
    }

    private static void col2imShifted(
            ConvGeometry g, float[] col, int colBase, float[] dx, int firstImage, Scratch scratch) {
        Shifted shifted = new Shifted(g, scratch.planes);
        float[] acc = shifted.data;
        float[] aligned = scratch.aligned;
        int kh = g.kernelH();
        int kw = g.kernelW();
        int block = g.outH() * g.outW();
        int cols = g.columns();
        for (int n = 0; n < g.batch(); n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                for (int kj = 0; kj < kw; kj++) {
                    int base = shifted.base(kj);
                    // kernel row 0's block lands on rows 0 … OH − 1; the rows below start at zero
                    System.arraycopy(col, colBase + (c * kh * kw + kj) * cols + n * block, acc, base, block);
                    Arrays.fill(acc, base + block, base + shifted.rows * shifted.width, 0f);
                    for (int ki = 1; ki < kh; ki++) {
                        int src = colBase + ((c * kh + ki) * kw + kj) * cols + n * block;
                        int to = base + ki * shifted.width;
                        System.arraycopy(col, src, aligned, to, block);
                        for (int j = to; j < to + block; j++) {
                            acc[j] += aligned[j];
                        }
                    }
                }
                shifted.storeSum(g, dx, ((firstImage + n) * g.inChannels() + c) * g.height() * g.width());
            }
        }
    }
}
