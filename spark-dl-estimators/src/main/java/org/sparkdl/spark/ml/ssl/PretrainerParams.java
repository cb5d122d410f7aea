package org.sparkdl.spark.ml.ssl;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.sparkdl.spark.ml.param.HasAugmentation;
import org.sparkdl.spark.ml.param.HasTrainingParams;

/**
 * The pretraining stages' params as Spark finds them: the shared training and augmentation groups
 * plus the family's own ({@link PretrainerParamSet}). Both {@link ContrastivePretrainer} and {@link
 * ContrastivePretrainerModel} implement it over their own declarations, so {@code fit} copies every
 * value to the model by name.
 *
 * @param <S> the stage
 */
public interface PretrainerParams<S extends PretrainerParams<S>> extends HasTrainingParams<S>, HasAugmentation<S> {
    /** The pretraining params of this stage. */
    PretrainerParamSet pretrainerParams();

    default Param<String> method() {
        return pretrainerParams().method;
    }

    default String getMethod() {
        return (String) $(method());
    }

    default S setMethod(String value) {
        set(method(), value);
        return self();
    }

    default Param<String> spec() {
        return pretrainerParams().spec;
    }

    default String getSpec() {
        return (String) $(spec());
    }

    default S setSpec(String value) {
        set(spec(), value);
        return self();
    }

    default Param<String> inputShape() {
        return pretrainerParams().inputShape;
    }

    default String getInputShape() {
        return (String) $(inputShape());
    }

    default S setInputShape(String value) {
        set(inputShape(), value);
        return self();
    }

    default Param<String> initializer() {
        return pretrainerParams().initializer;
    }

    default String getInitializer() {
        return (String) $(initializer());
    }

    default S setInitializer(String value) {
        set(initializer(), value);
        return self();
    }

    default Param<String> featuresCol() {
        return pretrainerParams().featuresCol;
    }

    default String getFeaturesCol() {
        return (String) $(featuresCol());
    }

    default S setFeaturesCol(String value) {
        set(featuresCol(), value);
        return self();
    }

    default Param<String> labelCol() {
        return pretrainerParams().labelCol;
    }

    default String getLabelCol() {
        return (String) $(labelCol());
    }

    default S setLabelCol(String value) {
        set(labelCol(), value);
        return self();
    }

    default Param<String> embeddingCol() {
        return pretrainerParams().embeddingCol;
    }

    default String getEmbeddingCol() {
        return (String) $(embeddingCol());
    }

    default S setEmbeddingCol(String value) {
        set(embeddingCol(), value);
        return self();
    }

    default DoubleParam temperature() {
        return pretrainerParams().temperature;
    }

    default double getTemperature() {
        return (Double) $(temperature());
    }

    default S setTemperature(double value) {
        set(temperature(), value);
        return self();
    }

    default DoubleParam studentTemperature() {
        return pretrainerParams().studentTemperature;
    }

    default double getStudentTemperature() {
        return (Double) $(studentTemperature());
    }

    default S setStudentTemperature(double value) {
        set(studentTemperature(), value);
        return self();
    }

    default IntParam prototypes() {
        return pretrainerParams().prototypes;
    }

    default int getPrototypes() {
        return (Integer) $(prototypes());
    }

    default S setPrototypes(int value) {
        set(prototypes(), value);
        return self();
    }

    default DoubleParam teacherTemperature() {
        return pretrainerParams().teacherTemperature;
    }

    default double getTeacherTemperature() {
        return (Double) $(teacherTemperature());
    }

    default S setTeacherTemperature(double value) {
        set(teacherTemperature(), value);
        return self();
    }

    default DoubleParam initialTeacherTemperature() {
        return pretrainerParams().initialTeacherTemperature;
    }

    default double getInitialTeacherTemperature() {
        return (Double) $(initialTeacherTemperature());
    }

    default S setInitialTeacherTemperature(double value) {
        set(initialTeacherTemperature(), value);
        return self();
    }

    default IntParam teacherTemperatureWarmupEpochs() {
        return pretrainerParams().teacherTemperatureWarmupEpochs;
    }

    default int getTeacherTemperatureWarmupEpochs() {
        return (Integer) $(teacherTemperatureWarmupEpochs());
    }

    default S setTeacherTemperatureWarmupEpochs(int value) {
        set(teacherTemperatureWarmupEpochs(), value);
        return self();
    }

    default IntParam projectionSize() {
        return pretrainerParams().projectionSize;
    }

    default int getProjectionSize() {
        return (Integer) $(projectionSize());
    }

    default S setProjectionSize(int value) {
        set(projectionSize(), value);
        return self();
    }

    default IntParam headHiddenSize() {
        return pretrainerParams().headHiddenSize;
    }

    default int getHeadHiddenSize() {
        return (Integer) $(headHiddenSize());
    }

    default S setHeadHiddenSize(int value) {
        set(headHiddenSize(), value);
        return self();
    }

    default IntParam queueSize() {
        return pretrainerParams().queueSize;
    }

    default int getQueueSize() {
        return (Integer) $(queueSize());
    }

    default S setQueueSize(int value) {
        set(queueSize(), value);
        return self();
    }

    default DoubleParam momentum() {
        return pretrainerParams().momentum;
    }

    default double getMomentum() {
        return (Double) $(momentum());
    }

    default S setMomentum(double value) {
        set(momentum(), value);
        return self();
    }

    default Param<String> momentumSchedule() {
        return pretrainerParams().momentumSchedule;
    }

    default String getMomentumSchedule() {
        return $(momentumSchedule());
    }

    default S setMomentumSchedule(String value) {
        set(momentumSchedule(), value);
        return self();
    }

    default DoubleParam centerMomentum() {
        return pretrainerParams().centerMomentum;
    }

    default double getCenterMomentum() {
        return (Double) $(centerMomentum());
    }

    default S setCenterMomentum(double value) {
        set(centerMomentum(), value);
        return self();
    }

    default IntParam localCrops() {
        return pretrainerParams().localCrops;
    }

    default int getLocalCrops() {
        return (Integer) $(localCrops());
    }

    default S setLocalCrops(int value) {
        set(localCrops(), value);
        return self();
    }

    default DoubleParam localCropScaleMin() {
        return pretrainerParams().localCropScaleMin;
    }

    default double getLocalCropScaleMin() {
        return (Double) $(localCropScaleMin());
    }

    default S setLocalCropScaleMin(double value) {
        set(localCropScaleMin(), value);
        return self();
    }

    default DoubleParam localCropScaleMax() {
        return pretrainerParams().localCropScaleMax;
    }

    default double getLocalCropScaleMax() {
        return (Double) $(localCropScaleMax());
    }

    default S setLocalCropScaleMax(double value) {
        set(localCropScaleMax(), value);
        return self();
    }
}
