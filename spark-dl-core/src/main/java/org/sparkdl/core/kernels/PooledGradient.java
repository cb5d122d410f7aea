package org.sparkdl.core.kernels;

/**
 * A max pooling's backward written straight into the layout its convolution's backward reads: each
 * pooled gradient {@code dp[i]} (masked where a fused ReLU cut: where the pooled output is ≤ 0) goes
 * to the convolution output pixel {@code argmax[i]} of the same image and channel, and every other
 * pixel's gradient is 0.
 *
 * <p>Why: apart, the pooling zeroes and fills a whole N×F×OH×OW gradient, and the convolution then
 * reads it all again to reorder it (im2col's channel-major rows, Winograd's tile planes). Routed,
 * a chunk's buffer is zeroed where the convolution wants it and a quarter of its elements (a 2×2
 * pooling's) written once. The bias gradient, the sum of each channel's gradients, is summed on the
 * way: only the routed ones are not 0, and the loop's other work hides the additions' latency (a
 * pass over the channel-major rows took 8–10 µs per image of CNN-S's first convolution).
 */
final class PooledGradient {
    private final PoolGeometry pool;
    private final float[] dp;
    private final int[] argmax;
    /** The pooled output, whose sign masks dp for a fused ReLU; null without one. */
    private final float[] rectified;
    /** Pixels of one channel of the convolution's output (the pooling's input plane). */
    private final int pixels;

    private final int windows;

    PooledGradient(MaxPoolOutput pool, float[] dp, boolean relu) {
        this.pool = pool.geometry();
        this.dp = dp;
        this.argmax = pool.argmax();
        this.rectified = relu ? pool.y() : null;
        this.pixels = this.pool.height() * this.pool.width();
        this.windows = this.pool.outH() * this.pool.outW();
        SizeChecks.atLeast("pooling output gradient", dp, this.pool.outputSize());
    }

    /**
     * t[F, n·P] (row f: image by image, pixel by pixel: im2col's GEMM layout) for images {@code
     * [first, first + n)}: zeroed, then the routed gradients added; {@code sums[f] +=} channel f's
     * sum unless {@code sums} is null. {@link #intoTiles} with one plane whose tiles are the pixels
     * would do the same through two table reads and an array read per window; this loop has none of
     * them (it and the bias sums together took the first convolution's backward from 41–44 to
     * 31–32 µs per image).
     */
    void intoChannelMajor(int first, int n, float[] t, float[] sums) {
        int channels = pool.channels();
        int cols = n * pixels;
        java.util.Arrays.fill(t, 0, channels * cols, 0f);
        for (int f = 0; f < channels; f++) {
            double sum = 0;
            for (int img = 0; img < n; img++) {
                int plane = (first + img) * channels + f;
                int start = plane * pixels;
                int to = f * cols + img * pixels;
                for (int i = plane * windows, end = i + windows; i < end; i++) {
                    float d = gradient(i);
                    t[to + pixel(i, start)] += d;
                    sum += d;
                }
            }
            if (sums != null) {
                sums[f] += (float) sum;
            }
        }
    }

    /**
     * Planes of tiles (Winograd's: element (a, b) of every output tile in plane a·m + b) for images
     * {@code [first, first + n)}: pixel e of channel f of image img goes to {@code
     * planes[planeOf[e]][f·q + img·tiles + tileOf[e]]}, q = n·tiles; the first {@code planeCount}
     * planes are zeroed over their {@code F·q} elements first. {@code sums[f] +=} channel f's sum
     * unless {@code sums} is null.
     */
    void intoTiles(
            int first, int n, float[][] planes, int planeCount, int[] planeOf, int[] tileOf, int tiles, float[] sums) {
        int channels = pool.channels();
        int q = n * tiles;
        for (int p = 0; p < planeCount; p++) {
            java.util.Arrays.fill(planes[p], 0, channels * q, 0f);
        }
        for (int f = 0; f < channels; f++) {
            double sum = 0;
            for (int img = 0; img < n; img++) {
                int plane = (first + img) * channels + f;
                int start = plane * pixels;
                int col = f * q + img * tiles;
                for (int i = plane * windows, end = i + windows; i < end; i++) {
                    float d = gradient(i);
                    int e = pixel(i, start);
                    planes[planeOf[e]][col + tileOf[e]] += d;
                    sum += d;
                }
            }
            if (sums != null) {
                sums[f] += (float) sum;
            }
        }
    }

    /** The pixel of its plane (starting at {@code start}) that window {@code i} took its maximum from. */
    private int pixel(int i, int start) {
        int e = argmax[i] - start;
        if (e < 0 || e >= pixels) {
            throw new IllegalArgumentException("argmax " + argmax[i] + " at " + i + " lies outside its plane");
        }
        return e;
    }

    private float gradient(int i) {
        return rectified == null ? dp[i] : Heaviside.pass(dp[i], rectified[i]);
    }
}
