package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.DoubleParam;
import org.sparkdl.core.augment.Augmentation;

/**
 * A stage with the params of seeded image augmentations ({@link AugmentationParams}), as Spark finds
 * params: public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasAugmentation<S extends HasAugmentation<S>> extends HasParamGroups<S> {
    default DoubleParam cropScaleMin() {
        return paramGroups().augmentation().cropScaleMin;
    }

    default double getCropScaleMin() {
        return (Double) $(cropScaleMin());
    }

    default S setCropScaleMin(double value) {
        set(cropScaleMin(), value);
        return self();
    }

    default DoubleParam cropScaleMax() {
        return paramGroups().augmentation().cropScaleMax;
    }

    default double getCropScaleMax() {
        return (Double) $(cropScaleMax());
    }

    default S setCropScaleMax(double value) {
        set(cropScaleMax(), value);
        return self();
    }

    default DoubleParam cropRatioMin() {
        return paramGroups().augmentation().cropRatioMin;
    }

    default double getCropRatioMin() {
        return (Double) $(cropRatioMin());
    }

    default S setCropRatioMin(double value) {
        set(cropRatioMin(), value);
        return self();
    }

    default DoubleParam cropRatioMax() {
        return paramGroups().augmentation().cropRatioMax;
    }

    default double getCropRatioMax() {
        return (Double) $(cropRatioMax());
    }

    default S setCropRatioMax(double value) {
        set(cropRatioMax(), value);
        return self();
    }

    default DoubleParam flipProbability() {
        return paramGroups().augmentation().flipProbability;
    }

    default double getFlipProbability() {
        return (Double) $(flipProbability());
    }

    default S setFlipProbability(double value) {
        set(flipProbability(), value);
        return self();
    }

    default DoubleParam brightness() {
        return paramGroups().augmentation().brightness;
    }

    default double getBrightness() {
        return (Double) $(brightness());
    }

    default S setBrightness(double value) {
        set(brightness(), value);
        return self();
    }

    default DoubleParam contrast() {
        return paramGroups().augmentation().contrast;
    }

    default double getContrast() {
        return (Double) $(contrast());
    }

    default S setContrast(double value) {
        set(contrast(), value);
        return self();
    }

    default DoubleParam saturation() {
        return paramGroups().augmentation().saturation;
    }

    default double getSaturation() {
        return (Double) $(saturation());
    }

    default S setSaturation(double value) {
        set(saturation(), value);
        return self();
    }

    default DoubleParam grayscaleProbability() {
        return paramGroups().augmentation().grayscaleProbability;
    }

    default double getGrayscaleProbability() {
        return (Double) $(grayscaleProbability());
    }

    default S setGrayscaleProbability(double value) {
        set(grayscaleProbability(), value);
        return self();
    }

    default DoubleParam jitterProbability() {
        return paramGroups().augmentation().jitterProbability;
    }

    default double getJitterProbability() {
        return (Double) $(jitterProbability());
    }

    default S setJitterProbability(double value) {
        set(jitterProbability(), value);
        return self();
    }

    default DoubleParam blurProbability() {
        return paramGroups().augmentation().blurProbability;
    }

    default double getBlurProbability() {
        return (Double) $(blurProbability());
    }

    default S setBlurProbability(double value) {
        set(blurProbability(), value);
        return self();
    }

    default DoubleParam blurSigmaMin() {
        return paramGroups().augmentation().blurSigmaMin;
    }

    default double getBlurSigmaMin() {
        return (Double) $(blurSigmaMin());
    }

    default S setBlurSigmaMin(double value) {
        set(blurSigmaMin(), value);
        return self();
    }

    default DoubleParam blurSigmaMax() {
        return paramGroups().augmentation().blurSigmaMax;
    }

    default double getBlurSigmaMax() {
        return (Double) $(blurSigmaMax());
    }

    default S setBlurSigmaMax(double value) {
        set(blurSigmaMax(), value);
        return self();
    }

    default DoubleParam noiseStd() {
        return paramGroups().augmentation().noiseStd;
    }

    default double getNoiseStd() {
        return (Double) $(noiseStd());
    }

    default S setNoiseStd(double value) {
        set(noiseStd(), value);
        return self();
    }

    default DoubleParam rotationProbability() {
        return paramGroups().augmentation().rotationProbability;
    }

    default double getRotationProbability() {
        return (Double) $(rotationProbability());
    }

    default S setRotationProbability(double value) {
        set(rotationProbability(), value);
        return self();
    }

    /** Sets every augmentation param from {@code a}. */
    default S setAugmentation(Augmentation a) {
        set(cropScaleMin(), a.cropScaleMin());
        set(cropScaleMax(), a.cropScaleMax());
        set(cropRatioMin(), a.cropRatioMin());
        set(cropRatioMax(), a.cropRatioMax());
        set(flipProbability(), a.flipProbability());
        set(brightness(), a.brightness());
        set(contrast(), a.contrast());
        set(saturation(), a.saturation());
        set(grayscaleProbability(), a.grayscaleProbability());
        set(jitterProbability(), a.jitterProbability());
        set(blurProbability(), a.blurProbability());
        set(blurSigmaMin(), a.blurSigmaMin());
        set(blurSigmaMax(), a.blurSigmaMax());
        set(noiseStd(), a.noiseStd());
        set(rotationProbability(), a.rotationProbability());
        return self();
    }

    /**
     * The augmentation these params describe.
     *
     * @throws IllegalArgumentException naming the param when two of them do not fit together (a
     *     minimum above its maximum)
     */
    default Augmentation augmentation() {
        return new Augmentation(
                getCropScaleMin(),
                getCropScaleMax(),
                getCropRatioMin(),
                getCropRatioMax(),
                getFlipProbability(),
                getBrightness(),
                getContrast(),
                getSaturation(),
                getGrayscaleProbability(),
                getJitterProbability(),
                getBlurProbability(),
                getBlurSigmaMin(),
                getBlurSigmaMax(),
                getNoiseStd(),
                getRotationProbability());
    }
}
