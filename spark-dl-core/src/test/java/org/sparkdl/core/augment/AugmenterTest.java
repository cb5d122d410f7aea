package org.sparkdl.core.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class AugmenterTest {
    private static float[] image(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static float[] view(Augmentation a, int c, int h, int w, int oh, int ow, float[] src, long seed) {
        float[] out = new float[c * oh * ow];
        new Augmenter(a, c, h, w, oh, ow).apply(src, 0, out, 0, new SplittableRandom(seed));
        return out;
    }

    /** Only the crop of scale 1, ratio 1, nothing else. */
    private static Augmentation wholeSquare() {
        return Augmentation.none().withCropScale(1, 1).withCropRatio(1, 1);
    }

    @Test
    void oneSeedGivesOneViewBitForBit() {
        Augmentation a = Augmentation.simclr().withNoiseStd(0.1).withRotationProbability(0.5);
        float[] src = image(3 * 16 * 16, 1);
        float[] first = view(a, 3, 16, 16, 16, 16, src, 42);
        assertArrayEquals(first, view(a, 3, 16, 16, 16, 16, src, 42));
        assertFalse(Arrays.equals(first, view(a, 3, 16, 16, 16, 16, src, 43)));
        // One augmenter reused (its scratch buffers) gives the same views as fresh ones, at offsets.
        Augmenter aug = new Augmenter(a, 3, 16, 16, 16, 16);
        float[] two = new float[5 + 2 * aug.outputSize()];
        float[] padded = new float[3 + src.length];
        System.arraycopy(src, 0, padded, 3, src.length);
        aug.apply(padded, 3, two, 5, new SplittableRandom(43));
        aug.apply(padded, 3, two, 5 + aug.outputSize(), new SplittableRandom(42));
        assertArrayEquals(first, Arrays.copyOfRange(two, 5 + aug.outputSize(), two.length));
        assertArrayEquals(src, Arrays.copyOfRange(padded, 3, padded.length), "the source is not written");
    }

    @Test
    void noneAndAWholeSquareCropAreTheIdentity() {
        float[] src = image(3 * 5 * 7, 2);
        assertArrayEquals(src, view(Augmentation.none(), 3, 5, 7, 5, 7, src, 9));
        float[] square = image(2 * 6 * 6, 3);
        for (long seed = 0; seed < 5; seed++) {
            assertArrayEquals(square, view(wholeSquare(), 2, 6, 6, 6, 6, square, seed));
        }
    }

    @Test
    void flipReversesEachRow() {
        float[] src = {1, 2, 3, 4, 5, 6}; // 1×2×3
        Augmentation flip = wholeSquare().withCropRatio(0.5, 2).withFlipProbability(1);
        float[] once = view(flip, 1, 2, 3, 2, 3, src, 1);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, once);
        assertArrayEquals(src, view(flip, 1, 2, 3, 2, 3, once, 2));
    }

    @Test
    void quarterTurnsAreCounterClockwiseAndFourAreTheIdentity() {
        float[] src = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] out = new float[9];
        Augmenter.rotate90(src, 0, 1, 3, 3, 1, out, 0);
        // torch.rot90([[1,2,3],[4,5,6],[7,8,9]]) = [[3,6,9],[2,5,8],[1,4,7]]
        assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, out);
        Augmenter.rotate90(src, 0, 1, 3, 3, -1, out, 0);
        assertArrayEquals(new float[] {7, 4, 1, 8, 5, 2, 9, 6, 3}, out);
        Augmenter.rotate90(src, 0, 1, 3, 3, 2, out, 0);
        assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4, 3, 2, 1}, out);
        float[] x = image(2 * 4 * 4, 4);
        float[] y = x.clone();
        float[] t = new float[x.length];
        for (int i = 0; i < 4; i++) {
            Augmenter.rotate90(y, 0, 2, 4, 4, 1, t, 0);
            y = t.clone();
        }
        assertArrayEquals(x, y);
        // Non-square: 2×3 → 3×2, as torch.rot90([[1,2,3],[4,5,6]]) = [[3,6],[2,5],[1,4]].
        float[] r = new float[6];
        Augmenter.rotate90(new float[] {1, 2, 3, 4, 5, 6}, 0, 1, 2, 3, 1, r, 0);
        assertArrayEquals(new float[] {3, 6, 2, 5, 1, 4}, r);
        // Rotation in apply: with probability 1 the view is one of the three turns.
        float[] v = view(wholeSquare().withRotationProbability(1), 2, 4, 4, 4, 4, x, 5);
        boolean someTurn = false;
        for (int k = 1; k < 4; k++) {
            Augmenter.rotate90(x, 0, 2, 4, 4, k, t, 0);
            someTurn |= Arrays.equals(t, v);
        }
        assertTrue(someTurn);
    }

    @Test
    void brightnessAndContrastOnAConstantImage() {
        float[] src = new float[3 * 4 * 4];
        Arrays.fill(src, 2f);
        // Brightness scales: every value becomes 2·f with f in [0.5, 1.5], the same f everywhere.
        float[] b = view(wholeSquare().withJitterProbability(1).withBrightness(0.5), 3, 4, 4, 4, 4, src, 7);
        assertTrue(b[0] >= 1f && b[0] <= 3f && b[0] != 2f, "" + b[0]);
        for (float v : b) {
            assertEquals(b[0], v);
        }
        // Contrast blends toward the mean, which a constant image already is.
        float[] c = view(wholeSquare().withJitterProbability(1).withContrast(0.9), 3, 4, 4, 4, 4, src, 7);
        for (float v : c) {
            assertEquals(2f, v, 1e-6);
        }
        // On a two-valued image contrast keeps the mean and scales the deviations by one factor.
        float[] two = new float[16];
        for (int i = 0; i < 16; i++) {
            two[i] = i % 2 == 0 ? 1f : 3f;
        }
        float[] d = view(wholeSquare().withJitterProbability(1).withContrast(0.5), 1, 4, 4, 4, 4, two, 8);
        float f = (d[1] - 2f) / (3f - 2f);
        assertTrue(f >= 0.5f && f <= 1.5f, "" + f);
        for (int i = 0; i < 16; i++) {
            assertEquals(2f + f * (two[i] - 2f), d[i], 1e-5);
        }
        // Jitter probability 0 turns it off.
        assertArrayEquals(src, view(wholeSquare().withBrightness(0.5), 3, 4, 4, 4, 4, src, 7));
    }

    @Test
    void grayscaleAndSaturationGiveEqualChannels() {
        float[] src = image(3 * 4 * 4, 5);
        float[] g = view(wholeSquare().withGrayscaleProbability(1), 3, 4, 4, 4, 4, src, 1);
        for (int p = 0; p < 16; p++) {
            float luma = 0.299f * src[p] + 0.587f * src[16 + p] + 0.114f * src[32 + p];
            assertEquals(luma, g[p], 1e-6);
            assertEquals(g[p], g[16 + p]);
            assertEquals(g[p], g[32 + p]);
        }
        // One channel: grayscale does nothing.
        float[] one = image(16, 6);
        assertArrayEquals(one, view(wholeSquare().withGrayscaleProbability(1), 1, 4, 4, 4, 4, one, 1));
        // Saturation keeps each pixel's luma.
        float[] s = view(wholeSquare().withJitterProbability(1).withSaturation(0.9), 3, 4, 4, 4, 4, src, 2);
        for (int p = 0; p < 16; p++) {
            assertEquals(
                    0.299f * src[p] + 0.587f * src[16 + p] + 0.114f * src[32 + p],
                    0.299f * s[p] + 0.587f * s[16 + p] + 0.114f * s[32 + p],
                    1e-5);
        }
    }

    @Test
    void blurKeepsAConstantImageAndTheSum() {
        Augmentation blur = wholeSquare().withBlurProbability(1).withBlurSigma(0.5, 2.0);
        float[] flat = new float[2 * 8 * 8];
        Arrays.fill(flat, -0.25f);
        for (float v : view(blur, 2, 8, 8, 8, 8, flat, 3)) {
            assertEquals(-0.25f, v, 1e-6);
        }
        float[] src = image(8 * 8, 4);
        float[] b = view(blur, 1, 8, 8, 8, 8, src, 3);
        double before = 0;
        double after = 0;
        for (int i = 0; i < 64; i++) {
            before += src[i];
            after += b[i];
        }
        assertEquals(before, after, 0.05 * before);
        assertFalse(Arrays.equals(src, b));
        // Smoother: the total variation drops.
        assertTrue(variation(b, 8) < variation(src, 8));
        // A kernel wider than a tiny image still reflects inside it.
        float[] tiny = view(wholeSquare().withBlurProbability(1).withBlurSigma(3, 3), 1, 2, 2, 2, 2, image(4, 5), 1);
        for (float v : tiny) {
            assertTrue(Float.isFinite(v));
        }
    }

    private static double variation(float[] x, int w) {
        double s = 0;
        for (int i = 0; i + 1 < x.length; i++) {
            if ((i + 1) % w != 0) {
                s += Math.abs(x[i + 1] - x[i]);
            }
        }
        return s;
    }

    @Test
    void noiseHasTheRequestedFractionOfTheImagesStd() {
        // Pixel range ±100: the noise scales with the image's own deviation.
        float[] src = new float[64 * 64];
        for (int i = 0; i < src.length; i++) {
            src[i] = i % 2 == 0 ? -100f : 100f;
        }
        float[] n = view(wholeSquare().withNoiseStd(0.1), 1, 64, 64, 64, 64, src, 11);
        double sq = 0;
        for (int i = 0; i < src.length; i++) {
            double d = n[i] - src[i];
            sq += d * d;
        }
        double std = Math.sqrt(sq / src.length);
        assertEquals(10.0, std, 0.5);
    }

    @Test
    void viewsCanBeSmallerThanTheImage() {
        float[] src = image(28 * 28, 12);
        float[] half = view(Augmentation.none(), 1, 28, 28, 14, 14, src, 1);
        assertEquals(14 * 14, half.length);
        // Halving is the mean of each 2×2 block (bilinear at pixel centres).
        float block = (src[0] + src[1] + src[28] + src[29]) / 4;
        assertEquals(block, half[0], 1e-6);
        Augmenter a = new Augmenter(Augmentation.simclr().withRotationProbability(1), 3, 28, 28, 14, 14);
        float[] rgb = image(a.inputSize(), 13);
        float[] out = new float[a.outputSize()];
        for (long seed = 0; seed < 50; seed++) {
            a.apply(rgb, 0, out, 0, new SplittableRandom(Augmenter.seed(seed, 1, 2)));
            for (float v : out) {
                assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void cropsCoverTheRequestedRangeAndFallBackToTheCentre() {
        // A crop of a quarter of the area, resized to the full size, is no copy of the input.
        float[] src = image(16 * 16, 14);
        float[] v = view(wholeSquare().withCropScale(0.25, 0.25), 1, 16, 16, 16, 16, src, 3);
        assertFalse(Arrays.equals(src, v));
        // A 1×8 image cannot hold a crop of ratio 1 and scale 0.9: the fallback is the central 1×1 crop.
        float[] strip = {0, 1, 2, 3, 4, 5, 6, 7};
        float[] c = view(wholeSquare().withCropScale(0.9, 0.9), 1, 1, 8, 1, 2, strip, 5);
        assertArrayEquals(new float[] {3, 3}, c);
    }

    @Test
    void seedsMixTheirKeysInOrder() {
        assertEquals(Augmenter.seed(1, 2, 3), Augmenter.seed(1, 2, 3));
        assertNotEquals(Augmenter.seed(1, 2, 3), Augmenter.seed(1, 3, 2));
        assertNotEquals(Augmenter.seed(1, 2), Augmenter.seed(2, 2));
        assertNotEquals(Augmenter.seed(0), Augmenter.seed(0, 0));
        // Neighbouring keys differ in about half their bits.
        int bits = Long.bitCount(Augmenter.seed(7, 100) ^ Augmenter.seed(7, 101));
        assertTrue(bits > 16 && bits < 48, "" + bits);
    }

    @Test
    void invalidStrengthsNameTheField() {
        Augmentation s = Augmentation.simclr();
        expect("cropScaleMin", () -> s.withCropScale(0, 1));
        expect("cropScaleMax", () -> s.withCropScale(0.5, 0.4));
        expect("cropScaleMax", () -> s.withCropScaleMax(1.5));
        expect("cropRatioMin", () -> s.withCropRatioMin(-1));
        expect("cropRatioMax", () -> s.withCropRatio(2, 1));
        expect("flipProbability", () -> s.withFlipProbability(1.1));
        expect("brightness", () -> s.withBrightness(1));
        expect("contrast", () -> s.withContrast(-0.1));
        expect("saturation", () -> s.withSaturation(Double.NaN));
        expect("grayscaleProbability", () -> s.withGrayscaleProbability(2));
        expect("jitterProbability", () -> s.withJitterProbability(-1));
        expect("blurProbability", () -> s.withBlurProbability(Double.NaN));
        expect("blurSigmaMin", () -> s.withBlurSigmaMin(0));
        expect("blurSigmaMax", () -> s.withBlurSigma(1, 0.5));
        expect("noiseStd", () -> s.withNoiseStd(-0.1));
        expect("rotationProbability", () -> s.withRotationProbability(1.5));
        var e = assertThrows(IllegalArgumentException.class, () -> s.withBrightness(1));
        assertTrue(e.getMessage().contains("[0, 1)") && e.getMessage().contains("got 1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Augmenter(s, 0, 4, 4, 4, 4));
        Augmenter a = new Augmenter(s, 1, 4, 4, 4, 4);
        var size = assertThrows(
                IllegalArgumentException.class,
                () -> a.apply(new float[15], 0, new float[16], 0, new SplittableRandom(1)));
        assertTrue(size.getMessage().contains("16"), size.getMessage());
    }

    private static void expect(String field, Supplier<Augmentation> make) {
        var e = assertThrows(IllegalArgumentException.class, make::get, field);
        assertTrue(e.getMessage().contains(field + " must be"), e.getMessage());
    }
}
