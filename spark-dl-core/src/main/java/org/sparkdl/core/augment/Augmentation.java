package org.sparkdl.core.augment;

import java.io.Serializable;

/**
 * The strengths of the augmentations an {@link Augmenter} applies, as plain values, checked when
 * made. Values are never clamped after an operation: images may be mean-subtracted.
 *
 * @param cropScaleMin smallest area fraction of the random resized crop, in (0, 1]
 * @param cropScaleMax largest area fraction, in [cropScaleMin, 1]; a scale of exactly 1 (min = max =
 *     1) keeps the whole image whatever the ratio range
 * @param cropRatioMin smallest aspect ratio (width / height) of the crop, > 0
 * @param cropRatioMax largest aspect ratio, >= cropRatioMin (drawn log-uniformly in between)
 * @param flipProbability probability of a horizontal flip, in [0, 1]
 * @param brightness b in [0, 1): every value is multiplied by a factor drawn in [1 − b, 1 + b]
 * @param contrast c in [0, 1): every value moves toward the image's mean, {@code mean + f·(x − mean)},
 *     f drawn in [1 − c, 1 + c]
 * @param saturation s in [0, 1): with 3 channels, every value moves toward its pixel's grayscale
 *     (luma 0.299 R + 0.587 G + 0.114 B), f drawn in [1 − s, 1 + s]
 * @param grayscaleProbability probability that a 3-channel image becomes grayscale (its luma in every
 *     channel), in [0, 1]
 * @param jitterProbability probability that the brightness, contrast and saturation jitter is applied
 *     at all, in [0, 1] (SimCLR uses 0.8)
 * @param blurProbability probability of a gaussian blur, in [0, 1]
 * @param blurSigmaMin smallest blur sigma in pixels, > 0
 * @param blurSigmaMax largest blur sigma, >= blurSigmaMin (the kernel's radius is ceil(2σ))
 * @param noiseStd std of added gaussian noise as a fraction of the image's own standard deviation,
 *     >= 0 (so the strength does not depend on the pixel range)
 * @param rotationProbability probability of a rotation by 90°, 180° or 270° (drawn uniformly), in [0,
 *     1]; applied only when the output is square
 */
public record Augmentation(
        double cropScaleMin,
        double cropScaleMax,
        double cropRatioMin,
        double cropRatioMax,
        double flipProbability,
        double brightness,
        double contrast,
        double saturation,
        double grayscaleProbability,
        double jitterProbability,
        double blurProbability,
        double blurSigmaMin,
        double blurSigmaMax,
        double noiseStd,
        double rotationProbability)
        implements Serializable {

    public Augmentation {
        if (!(cropScaleMin > 0 && cropScaleMin <= 1)) {
            throw invalid("cropScaleMin", cropScaleMin, "in (0, 1]");
        }
        if (!(cropScaleMax >= cropScaleMin && cropScaleMax <= 1)) {
            throw invalid("cropScaleMax", cropScaleMax, "in [cropScaleMin = " + cropScaleMin + ", 1]");
        }
        if (!(cropRatioMin > 0 && Double.isFinite(cropRatioMin))) {
            throw invalid("cropRatioMin", cropRatioMin, "finite and > 0");
        }
        if (!(cropRatioMax >= cropRatioMin && Double.isFinite(cropRatioMax))) {
            throw invalid("cropRatioMax", cropRatioMax, "finite and >= cropRatioMin = " + cropRatioMin);
        }
        probability("flipProbability", flipProbability);
        factor("brightness", brightness);
        factor("contrast", contrast);
        factor("saturation", saturation);
        probability("grayscaleProbability", grayscaleProbability);
        probability("jitterProbability", jitterProbability);
        probability("blurProbability", blurProbability);
        if (!(blurSigmaMin > 0 && Double.isFinite(blurSigmaMin))) {
            throw invalid("blurSigmaMin", blurSigmaMin, "finite and > 0");
        }
        if (!(blurSigmaMax >= blurSigmaMin && Double.isFinite(blurSigmaMax))) {
            throw invalid("blurSigmaMax", blurSigmaMax, "finite and >= blurSigmaMin = " + blurSigmaMin);
        }
        if (!(noiseStd >= 0 && Double.isFinite(noiseStd))) {
            throw invalid("noiseStd", noiseStd, "finite and >= 0");
        }
        probability("rotationProbability", rotationProbability);
    }

    private static IllegalArgumentException invalid(String field, double v, String expected) {
        return new IllegalArgumentException("augmentation " + field + " must be " + expected + ", got " + v);
    }

    private static void probability(String field, double v) {
        if (!(v >= 0 && v <= 1)) {
            throw invalid(field, v, "a probability in [0, 1]");
        }
    }

    private static void factor(String field, double v) {
        if (!(v >= 0 && v < 1)) {
            throw invalid(field, v, "in [0, 1) (the factor is drawn in [1 − " + field + ", 1 + " + field + "])");
        }
    }

    /**
     * SimCLR's augmentations, scaled for small images (28 to 32 pixels): crop scale 0.2–1, ratio
     * 3/4–4/3, flip 0.5, brightness, contrast and saturation 0.4 applied with probability 0.8,
     * grayscale 0.2, blur 0.5 with sigma 0.1–1.0, no noise, no rotation.
     */
    public static Augmentation simclr() {
        return new Augmentation(0.2, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0.5, 0.4, 0.4, 0.4, 0.2, 0.8, 0.5, 0.1, 1.0, 0.0, 0.0);
    }

    /** No augmentation: the whole image, resized to the output size if it differs. */
    public static Augmentation none() {
        return new Augmentation(1.0, 1.0, 3.0 / 4.0, 4.0 / 3.0, 0, 0, 0, 0, 0, 0, 0, 0.1, 1.0, 0, 0);
    }

    /** Sets both ends of the crop's area fraction. */
    public Augmentation withCropScale(double min, double max) {
        return new Augmentation(
                min,
                max,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    /** Sets both ends of the crop's aspect ratio range. */
    public Augmentation withCropRatio(double min, double max) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                min,
                max,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    /** Sets both ends of the blur's sigma range. */
    public Augmentation withBlurSigma(double min, double max) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                min,
                max,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withCropScaleMin(double v) {
        return withCropScale(v, cropScaleMax);
    }

    public Augmentation withCropScaleMax(double v) {
        return withCropScale(cropScaleMin, v);
    }

    public Augmentation withCropRatioMin(double v) {
        return withCropRatio(v, cropRatioMax);
    }

    public Augmentation withCropRatioMax(double v) {
        return withCropRatio(cropRatioMin, v);
    }

    public Augmentation withBlurSigmaMin(double v) {
        return withBlurSigma(v, blurSigmaMax);
    }

    public Augmentation withBlurSigmaMax(double v) {
        return withBlurSigma(blurSigmaMin, v);
    }

    public Augmentation withFlipProbability(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                v,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withBrightness(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                v,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withContrast(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                v,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withSaturation(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                v,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withGrayscaleProbability(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                v,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withJitterProbability(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                v,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withBlurProbability(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                v,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                rotationProbability);
    }

    public Augmentation withNoiseStd(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                v,
                rotationProbability);
    }

    public Augmentation withRotationProbability(double v) {
        return new Augmentation(
                cropScaleMin,
                cropScaleMax,
                cropRatioMin,
                cropRatioMax,
                flipProbability,
                brightness,
                contrast,
                saturation,
                grayscaleProbability,
                jitterProbability,
                blurProbability,
                blurSigmaMin,
                blurSigmaMax,
                noiseStd,
                v);
    }
}
