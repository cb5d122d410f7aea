package org.sparkdl.core.kernels;

import java.util.Arrays;

/**
 * The batched im2col layout: row {@code (c·KH + ki)·KW + kj}, column {@code n·OH·OW + oy·OW + ox}
 * holds {@code x[n, c, oy·stride − pad + ki, ox·stride − pad + kj]} (zero outside the image). One
 * GEMM with the F×(C·KH·KW) weights then convolves the whole batch.
 */
final class Im2col {
    private Im2col() {}

    /**
     * Fills the rows {@code [rowFrom, rowTo)} of the column matrix of {@code g.batch()} images
     * starting at image {@code firstImage} of {@code x}.
     */
    static void im2col(ConvGeometry g, float[] x, int firstImage, float[] col, int rowFrom, int rowTo) {
        int kk = g.kernelH() * g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int plane = g.height() * g.width();
        int cols = g.columns();
        for (int row = rowFrom; row < rowTo; row++) {
            int c = row / kk;
            int ki = (row % kk) / g.kernelW();
            int kj = row % g.kernelW();
            // Output columns ox whose input column ix = ox·s − p + kj lies inside [0, W).
            int oxFrom = firstInside(kj, g.pad(), g.stride());
            int oxTo = Math.min(ow, lastInside(kj, g.pad(), g.stride(), g.width()) + 1);
            for (int n = 0; n < g.batch(); n++) {
                int xBase = ((firstImage + n) * g.inChannels() + c) * plane;
                int colBase = row * cols + n * oh * ow;
                for (int oy = 0; oy < oh; oy++) {
                    int iy = oy * g.stride() - g.pad() + ki;
                    int dst = colBase + oy * ow;
                    if (iy < 0 || iy >= g.height() || oxFrom >= oxTo) {
                        Arrays.fill(col, dst, dst + ow, 0f);
                        continue;
                    }
                    Arrays.fill(col, dst, dst + oxFrom, 0f);
                    int src = xBase + iy * g.width() + oxFrom * g.stride() - g.pad() + kj;
                    if (g.stride() == 1) {
                        System.arraycopy(x, src, col, dst + oxFrom, oxTo - oxFrom);
                    } else {
                        for (int ox = oxFrom; ox < oxTo; ox++, src += g.stride()) {
                            col[dst + ox] = x[src];
                        }
                    }
                    Arrays.fill(col, dst + oxTo, dst + ow, 0f);
                }
            }
        }
    }

    /**
     * Adds the rows of channels {@code [cFrom, cTo)} back into {@code dx} (which the caller zeroed),
     * for the {@code g.batch()} images starting at image {@code firstImage}.
     */
    static void col2im(ConvGeometry g, float[] col, float[] dx, int firstImage, int cFrom, int cTo) {
        int kk = g.kernelH() * g.kernelW();
        int oh = g.outH();
        int ow = g.outW();
        int plane = g.height() * g.width();
        int cols = g.columns();
        for (int c = cFrom; c < cTo; c++) {
            for (int r = 0; r < kk; r++) {
                int row = c * kk + r;
                int ki = r / g.kernelW();
                int kj = r % g.kernelW();
                int oxFrom = firstInside(kj, g.pad(), g.stride());
                int oxTo = Math.min(ow, lastInside(kj, g.pad(), g.stride(), g.width()) + 1);
                if (oxFrom >= oxTo) {
                    continue;
                }
                for (int n = 0; n < g.batch(); n++) {
                    int xBase = ((firstImage + n) * g.inChannels() + c) * plane;
                    int colBase = row * cols + n * oh * ow;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * g.stride() - g.pad() + ki;
                        if (iy < 0 || iy >= g.height()) {
                            continue;
                        }
                        int src = colBase + oy * ow + oxFrom;
                        int dst = xBase + iy * g.width() + oxFrom * g.stride() - g.pad() + kj;
                        for (int ox = oxFrom; ox < oxTo; ox++, src++, dst += g.stride()) {
                            dx[dst] += col[src];
                        }
                    }
                }
            }
        }
    }

    /** Smallest ox with ox·s − p + k ≥ 0. */
    private static int firstInside(int k, int pad, int stride) {
        int need = pad - k;
        return need <= 0 ? 0 : (need + stride - 1) / stride;
    }

    /** Largest ox with ox·s − p + k ≤ W − 1. */
    private static int lastInside(int k, int pad, int stride, int width) {
        int limit = width - 1 + pad - k;
        return limit < 0 ? -1 : limit / stride;
    }
}
