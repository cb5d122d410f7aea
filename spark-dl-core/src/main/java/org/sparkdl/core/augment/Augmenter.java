package org.sparkdl.core.augment;

import java.util.SplittableRandom;

/**
 * Makes one augmented C×outH×outW view of a C×H×W image, in this order: random resized crop
 * (bilinear), horizontal flip, colour jitter (brightness, contrast, saturation, in that order),
 * grayscale, gaussian blur, gaussian noise, rotation by quarter turns. Every random draw comes from
 * the generator passed to {@link #apply}, so one seed gives one view, bit for bit.
 *
 * <p>An augmenter keeps scratch buffers across calls (no allocation per view): it belongs to one
 * thread.
 */
public final class Augmenter {
    private static final long GOLDEN = 0x9e3779b97f4a7c15L;

    private final Augmentation a;
    private final int channels;
    private final int height;
    private final int width;
    private final int outHeight;
    private final int outWidth;

    // Bilinear sampling positions of the crop: per output row and column, the two source indices and the
    // weight of the second.
    private final int[] row0;
    private final int[] row1;
    private final float[] rowW;
    private final int[] col0;
    private final int[] col1;
    private final float[] colW;
    private final float[] scratch;
    private final float[] kernel;

    public Augmenter(Augmentation a, int channels, int height, int width, int outHeight, int outWidth) {
        if (a == null) {
            throw new IllegalArgumentException("augmentation must not be null");
        }
        if (channels <= 0 || height <= 0 || width <= 0 || outHeight <= 0 || outWidth <= 0) {
            throw new IllegalArgumentException("augmenter needs positive sizes, got channels=" + channels + " input "
                    + height + "x" + width + " output " + outHeight + "x" + outWidth);
        }
        this.a = a;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.outHeight = outHeight;
        this.outWidth = outWidth;
        row0 = new int[outHeight];
        row1 = new int[outHeight];
        rowW = new float[outHeight];
        col0 = new int[outWidth];
        col1 = new int[outWidth];
        colW = new float[outWidth];
        scratch = new float[channels * outHeight * outWidth];
        kernel = new float[2 * (int) Math.ceil(2 * a.blurSigmaMax()) + 1];
    }

    /** Values in one input image, C·H·W. */
    public int inputSize() {
        return channels * height * width;
    }

    /** Values in one view, C·outH·outW. */
    public int outputSize() {
        return channels * outHeight * outWidth;
    }

    /**
     * Writes one augmented view of the image at {@code src[srcOffset ..]} to {@code dst[dstOffset ..]}.
     * The two ranges must not overlap.
     */
    public void apply(float[] src, int srcOffset, float[] dst, int dstOffset, SplittableRandom rng) {
        if (srcOffset < 0 || srcOffset + inputSize() > src.length) {
            throw new IllegalArgumentException("source has " + src.length + " values; an image of " + inputSize()
                    + " at offset " + srcOffset + " does not fit");
        }
        if (dstOffset < 0 || dstOffset + outputSize() > dst.length) {
            throw new IllegalArgumentException("destination has " + dst.length + " values; a view of " + outputSize()
                    + " at offset " + dstOffset + " does not fit");
        }
        crop(src, srcOffset, dst, dstOffset, rng);
        if (rng.nextDouble() < a.flipProbability()) {
            flip(dst, dstOffset);
        }
        if (rng.nextDouble() < a.jitterProbability()) {
            jitter(dst, dstOffset, rng);
        }
        if (channels == 3 && rng.nextDouble() < a.grayscaleProbability()) {
            grayscale(dst, dstOffset);
        }
        if (rng.nextDouble() < a.blurProbability()) {
            double sigma = uniform(rng, a.blurSigmaMin(), a.blurSigmaMax());
            blur(dst, dstOffset, sigma);
        }
        if (a.noiseStd() > 0) {
            noise(dst, dstOffset, rng);
        }
        if (outHeight == outWidth && rng.nextDouble() < a.rotationProbability()) {
            int turns = 1 + rng.nextInt(3);
            System.arraycopy(dst, dstOffset, scratch, 0, outputSize());
            rotate90(scratch, 0, channels, outHeight, outWidth, turns, dst, dstOffset);
        }
    }

    /** A draw in [lo, hi], exact at lo == hi. */
    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    /**
     * Random resized crop as torchvision's RandomResizedCrop: up to 10 tries of an area fraction and a
     * log-uniform aspect ratio, the box placed uniformly; else the central crop clamped to the ratio
     * range. A scale of exactly 1 is the whole image.
     */
    private void crop(float[] src, int srcOffset, float[] dst, int dstOffset, SplittableRandom rng) {
        int top = 0;
        int left = 0;
        int h = height;
        int w = width;
        if (a.cropScaleMin() < 1) {
            boolean found = false;
            double area = (double) height * width;
            double logLo = Math.log(a.cropRatioMin());
            double logHi = Math.log(a.cropRatioMax());
            for (int attempt = 0; attempt < 10 && !found; attempt++) {
                double target = area * uniform(rng, a.cropScaleMin(), a.cropScaleMax());
                double ratio = Math.exp(uniform(rng, logLo, logHi));
                int cw = (int) Math.round(Math.sqrt(target * ratio));
                int ch = (int) Math.round(Math.sqrt(target / ratio));
                if (cw > 0 && cw <= width && ch > 0 && ch <= height) {
                    top = rng.nextInt(height - ch + 1);
                    left = rng.nextInt(width - cw + 1);
                    h = ch;
                    w = cw;
                    found = true;
                }
            }
            if (!found) {
                double inRatio = (double) width / height;
                if (inRatio < a.cropRatioMin()) {
                    w = width;
                    h = Math.max(1, Math.min(height, (int) Math.round(w / a.cropRatioMin())));
                } else if (inRatio > a.cropRatioMax()) {
                    h = height;
                    w = Math.max(1, Math.min(width, (int) Math.round(h * a.cropRatioMax())));
                }
                top = (height - h) / 2;
                left = (width - w) / 2;
            }
        }
        resize(src, srcOffset, top, left, h, w, dst, dstOffset);
    }

    /** Bilinear resize of the box (top, left, h, w) to outH×outW, sampling at pixel centres (align_corners = false). */
    private void resize(float[] src, int srcOffset, int top, int left, int h, int w, float[] dst, int dstOffset) {
        positions(top, h, outHeight, row0, row1, rowW);
        positions(left, w, outWidth, col0, col1, colW);
        int plane = height * width;
        int outPlane = outHeight * outWidth;
        for (int c = 0; c < channels; c++) {
            int s = srcOffset + c * plane;
            int d = dstOffset + c * outPlane;
            for (int y = 0; y < outHeight; y++) {
                int r0 = s + row0[y] * width;
                int r1 = s + row1[y] * width;
                float fy = rowW[y];
                for (int x = 0; x < outWidth; x++) {
                    float fx = colW[x];
                    float upper = src[r0 + col0[x]] * (1 - fx) + src[r0 + col1[x]] * fx;
                    float lower = src[r1 + col0[x]] * (1 - fx) + src[r1 + col1[x]] * fx;
                    dst[d + y * outWidth + x] = upper * (1 - fy) + lower * fy;
                }
            }
        }
    }

    private static void positions(int start, int size, int out, int[] i0, int[] i1, float[] weight) {
        for (int o = 0; o < out; o++) {
            double s = Math.max(0, (o + 0.5) * size / out - 0.5);
            int p = Math.min((int) s, size - 1);
            i0[o] = start + p;
            i1[o] = start + Math.min(p + 1, size - 1);
            weight[o] = (float) (s - p);
        }
    }

    private void flip(float[] x, int off) {
        for (int r = 0; r < channels * outHeight; r++) {
            int base = off + r * outWidth;
            for (int i = 0, j = outWidth - 1; i < j; i++, j--) {
                float t = x[base + i];
                x[base + i] = x[base + j];
                x[base + j] = t;
            }
        }
    }

    private void jitter(float[] x, int off, SplittableRandom rng) {
        int n = outputSize();
        if (a.brightness() > 0) {
            float f = (float) uniform(rng, 1 - a.brightness(), 1 + a.brightness());
            for (int i = off; i < off + n; i++) {
                x[i] *= f;
            }
        }
        if (a.contrast() > 0) {
            float f = (float) uniform(rng, 1 - a.contrast(), 1 + a.contrast());
            float mean = (float) mean(x, off, n);
            for (int i = off; i < off + n; i++) {
                x[i] = mean + f * (x[i] - mean);
            }
        }
        if (a.saturation() > 0 && channels == 3) {
            float f = (float) uniform(rng, 1 - a.saturation(), 1 + a.saturation());
            int plane = outHeight * outWidth;
            for (int p = off; p < off + plane; p++) {
                float gray = luma(x, p, plane);
                for (int c = 0; c < 3; c++) {
                    x[p + c * plane] = gray + f * (x[p + c * plane] - gray);
                }
            }
        }
    }

    private void grayscale(float[] x, int off) {
        int plane = outHeight * outWidth;
        for (int p = off; p < off + plane; p++) {
            float gray = luma(x, p, plane);
            x[p] = gray;
            x[p + plane] = gray;
            x[p + 2 * plane] = gray;
        }
    }

    private static float luma(float[] x, int p, int plane) {
        return 0.299f * x[p] + 0.587f * x[p + plane] + 0.114f * x[p + 2 * plane];
    }

    private static double mean(float[] x, int off, int n) {
        double s = 0;
        for (int i = off; i < off + n; i++) {
            s += x[i];
        }
        return s / n;
    }

    /** Separable gaussian blur, radius ceil(2σ), reflected borders (as torchvision's gaussian_blur). */
    private void blur(float[] x, int off, double sigma) {
        int radius = (int) Math.ceil(2 * sigma);
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double v = Math.exp(-(double) i * i / (2 * sigma * sigma));
            kernel[i + radius] = (float) v;
            sum += v;
        }
        for (int i = 0; i <= 2 * radius; i++) {
            kernel[i] = (float) (kernel[i] / sum);
        }
        int plane = outHeight * outWidth;
        for (int c = 0; c < channels; c++) {
            int base = off + c * plane;
            int sb = c * plane;
            // Along rows into scratch, then along columns back into x.
            for (int y = 0; y < outHeight; y++) {
                int row = base + y * outWidth;
                for (int xx = 0; xx < outWidth; xx++) {
                    float s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        s += kernel[k + radius] * x[row + reflect(xx + k, outWidth)];
                    }
                    scratch[sb + y * outWidth + xx] = s;
                }
            }
            for (int y = 0; y < outHeight; y++) {
                for (int xx = 0; xx < outWidth; xx++) {
                    float s = 0;
                    for (int k = -radius; k <= radius; k++) {
                        s += kernel[k + radius] * scratch[sb + reflect(y + k, outHeight) * outWidth + xx];
                    }
                    x[base + y * outWidth + xx] = s;
                }
            }
        }
    }

    /** Index i reflected into [0, n) without repeating the edge (as numpy's "reflect"). */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    private void noise(float[] x, int off, SplittableRandom rng) {
        int n = outputSize();
        double mean = mean(x, off, n);
        double sq = 0;
        for (int i = off; i < off + n; i++) {
            double d = x[i] - mean;
            sq += d * d;
        }
        double std = a.noiseStd() * Math.sqrt(sq / n);
        for (int i = off; i < off + n; i++) {
            x[i] += (float) (std * rng.nextGaussian());
        }
    }

    /**
     * Rotates a C×H×W image counter-clockwise by {@code quarterTurns} quarter turns, as {@code
     * torch.rot90(x, quarterTurns, dims=(1, 2))}: one turn maps {@code out[i][j] = in[j][w − 1 − i]}.
     * After an odd number of turns the result is C×W×H. Negative turns go clockwise. The two ranges
     * must not overlap.
     */
    public static void rotate90(
            float[] src, int srcOffset, int c, int h, int w, int quarterTurns, float[] dst, int dstOffset) {
        int k = Math.floorMod(quarterTurns, 4);
        int plane = h * w;
        for (int ch = 0; ch < c; ch++) {
            int s = srcOffset + ch * plane;
            int d = dstOffset + ch * plane;
            switch (k) {
                case 0 -> System.arraycopy(src, s, dst, d, plane);
                case 1 -> {
                    // out is w×h: out[i][j] = in[j][w-1-i]
                    for (int i = 0; i < w; i++) {
                        for (int j = 0; j < h; j++) {
                            dst[d + i * h + j] = src[s + j * w + (w - 1 - i)];
                        }
                    }
                }
                case 2 -> {
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < w; j++) {
                            dst[d + i * w + j] = src[s + (h - 1 - i) * w + (w - 1 - j)];
                        }
                    }
                }
                default -> {
                    // out is w×h: out[i][j] = in[h-1-j][i]
                    for (int i = 0; i < w; i++) {
                        for (int j = 0; j < h; j++) {
                            dst[d + i * h + j] = src[s + (h - 1 - j) * w + i];
                        }
                    }
                }
            }
        }
    }

    /**
     * A well-spread 64-bit seed from a base seed and keys, in order (SplitMix64's finaliser, chained):
     * {@code seed(base, epoch, partition, row, view)}.
     */
    public static long seed(long base, long... keys) {
        long h = mix(base + GOLDEN);
        for (long k : keys) {
            h = mix((h + GOLDEN) ^ mix(k));
        }
        return h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
