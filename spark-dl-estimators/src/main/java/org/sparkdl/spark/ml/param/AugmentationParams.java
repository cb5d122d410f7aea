package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.augment.Augmentation;

/**
 * The params of seeded image augmentations (one per field of {@link Augmentation}), each declared
 * once with its doc, validator and default (SimCLR's, {@link Augmentation#simclr()}). Limits between
 * two params (a minimum above its maximum) are checked when {@link HasAugmentation#augmentation()}
 * builds the record. One instance per stage.
 */
public final class AugmentationParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final DoubleParam cropScaleMin;
    final DoubleParam cropScaleMax;
    final DoubleParam cropRatioMin;
    final DoubleParam cropRatioMax;
    final DoubleParam flipProbability;
    final DoubleParam brightness;
    final DoubleParam contrast;
    final DoubleParam saturation;
    final DoubleParam grayscaleProbability;
    final DoubleParam jitterProbability;
    final DoubleParam blurProbability;
    final DoubleParam blurSigmaMin;
    final DoubleParam blurSigmaMax;
    final DoubleParam noiseStd;
    final DoubleParam rotationProbability;

    AugmentationParams(Params p) {
        cropScaleMin = new DoubleParam(
                p,
                "cropScaleMin",
                "smallest area fraction of the random resized crop, in (0, 1]; with cropScaleMax = 1 too, the whole image is kept",
                Validators.doubleAboveAtMost(0, 1));
        cropScaleMax = new DoubleParam(
                p,
                "cropScaleMax",
                "largest area fraction of the random resized crop, in [cropScaleMin, 1]",
                Validators.doubleAboveAtMost(0, 1));
        cropRatioMin = new DoubleParam(
                p,
                "cropRatioMin",
                "smallest aspect ratio (width / height) of the crop, > 0 (drawn log-uniformly)",
                Validators.doubleAbove(0));
        cropRatioMax = new DoubleParam(
                p,
                "cropRatioMax",
                "largest aspect ratio (width / height) of the crop, >= cropRatioMin",
                Validators.doubleAbove(0));
        flipProbability = new DoubleParam(
                p, "flipProbability", "probability of a horizontal flip, in [0, 1]", Validators.doubleIn(0, 1));
        brightness = new DoubleParam(
                p,
                "brightness",
                "brightness jitter b in [0, 1): values are multiplied by a factor drawn in [1 - b, 1 + b]",
                Validators.doubleAtLeastBelow(0, 1));
        contrast = new DoubleParam(
                p,
                "contrast",
                "contrast jitter c in [0, 1): values move toward the image mean, mean + f (x - mean), f drawn in [1 - c, 1 + c]",
                Validators.doubleAtLeastBelow(0, 1));
        saturation = new DoubleParam(
                p,
                "saturation",
                "saturation jitter s in [0, 1), 3 channels only: values move toward the pixel's grayscale, f drawn in [1 - s, 1 + s]",
                Validators.doubleAtLeastBelow(0, 1));
        grayscaleProbability = new DoubleParam(
                p,
                "grayscaleProbability",
                "probability that a 3-channel view becomes grayscale, in [0, 1]",
                Validators.doubleIn(0, 1));
        jitterProbability = new DoubleParam(
                p,
                "jitterProbability",
                "probability that the brightness, contrast and saturation jitter is applied at all, in [0, 1]",
                Validators.doubleIn(0, 1));
        blurProbability = new DoubleParam(
                p, "blurProbability", "probability of a gaussian blur, in [0, 1]", Validators.doubleIn(0, 1));
        blurSigmaMin = new DoubleParam(
                p,
                "blurSigmaMin",
                "smallest gaussian blur sigma in pixels, > 0 (kernel radius ceil(2 sigma))",
                Validators.doubleAbove(0));
        blurSigmaMax = new DoubleParam(
                p, "blurSigmaMax", "largest gaussian blur sigma in pixels, >= blurSigmaMin", Validators.doubleAbove(0));
        noiseStd = new DoubleParam(
                p,
                "noiseStd",
                "std of added gaussian noise as a fraction of the view's own standard deviation, >= 0; 0 = no noise",
                Validators.doubleAtLeast(0));
        rotationProbability = new DoubleParam(
                p,
                "rotationProbability",
                "probability of a rotation by 90, 180 or 270 degrees (square images only), in [0, 1]",
                Validators.doubleIn(0, 1));

        Augmentation d = Augmentation.simclr();
        p.setDefault(cropScaleMin, d.cropScaleMin());
        p.setDefault(cropScaleMax, d.cropScaleMax());
        p.setDefault(cropRatioMin, d.cropRatioMin());
        p.setDefault(cropRatioMax, d.cropRatioMax());
        p.setDefault(flipProbability, d.flipProbability());
        p.setDefault(brightness, d.brightness());
        p.setDefault(contrast, d.contrast());
        p.setDefault(saturation, d.saturation());
        p.setDefault(grayscaleProbability, d.grayscaleProbability());
        p.setDefault(jitterProbability, d.jitterProbability());
        p.setDefault(blurProbability, d.blurProbability());
        p.setDefault(blurSigmaMin, d.blurSigmaMin());
        p.setDefault(blurSigmaMax, d.blurSigmaMax());
        p.setDefault(noiseStd, d.noiseStd());
        p.setDefault(rotationProbability, d.rotationProbability());
    }
}
