package org.sparkdl.core.kernels;

import java.util.Arrays;

/**
 * The batched im2col layout: row {@code (c·KH + ki)·KW + kj}, column {@code n·OH·OW + oy·OW + ox}
 * holds {@code x[n, c, oy·stride − pad + ki, ox·stride − pad + kj]} (zero outside the image). One
 * GEMM with the F×(C·KH·KW) weights then convolves a block of images.
 *
 * <p>Both directions go through a zero-bordered copy of one image plane ({@link Plane}), so every
 * row segment is one plain copy (stride 1: {@code System.arraycopy}) with no padding cases: the
 * bounds arithmetic and the one- or two-element fills it needed took a fifth of the Java-side time
 * of a training step (JFR, docs/PERFORMANCE.md).
 */
final class Im2col {
    private Im2col() {}

    /** Floats in the zero-bordered copy of one image plane: (H + 2·pad) × (W + 2·pad). */
    static int planeSize(ConvGeometry g) {
        return (g.height() + 2 * g.pad()) * (g.width() + 2 * g.pad());
    }

    /** A zero-bordered plane in the caller's scratch (at least {@link #planeSize} floats). */
    private static final class Plane {
        final int pad;
        final int width;
        final float[] data;

        Plane(ConvGeometry g, float[] scratch) {
            pad = g.pad();
            width = g.width() + 2 * pad;
            data = scratch;
            Arrays.fill(data, 0, planeSize(g), 0f); // the border; load() only writes the interior
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
     * Fills the columns of images {@code [imageFrom, imageTo)} of the column matrix (at
     * {@code col[colBase]}) of {@code g.batch()} images that start at image {@code firstImage} of
     * {@code x}.
     */
    static void im2col(
            ConvGeometry g,
            float[] x,
            int firstImage,
            float[] col,
            int colBase,
            int imageFrom,
            int imageTo,
            float[] planeScratch) {
        Plane plane = new Plane(g, planeScratch);
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int cols = g.columns();
        for (int n = imageFrom; n < imageTo; n++) {
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
     * Sums the columns of images {@code [imageFrom, imageTo)} back into their input gradients in
     * {@code dx} (the images start at {@code firstImage}), overwriting them: each image plane is
     * accumulated in a zeroed padded plane and copied out, so the caller need not zero dx.
     */
    static void col2im(
            ConvGeometry g,
            float[] col,
            int colBase,
            float[] dx,
            int firstImage,
            int imageFrom,
            int imageTo,
            float[] planeScratch) {
        Plane plane = new Plane(g, planeScratch);
        float[] acc = plane.data;
        int kh = g.kernelH();
        int kw = g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int s = g.stride();
        int cols = g.columns();
        for (int n = imageFrom; n < imageTo; n++) {
            for (int c = 0; c < g.inChannels(); c++) {
                Arrays.fill(acc, 0, planeSize(g), 0f);
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
}
