package org.sparkdl.spark.ml.rnn;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.sparkdl.spark.ml.param.HasTrainingParams;

/**
 * The recurrent stages' params as Spark finds them: the shared training groups plus the family's
 * own ({@link RNNParamSet}). Both {@link RNNSequencer} and {@link RNNSequencerModel} implement it,
 * so {@code fit} copies every value to the model by name.
 *
 * @param <S> the stage
 */
public interface RNNParams<S extends RNNParams<S>> extends HasTrainingParams<S> {
    /** The recurrent params of this stage. */
    RNNParamSet rnnParams();

    default boolean isLanguageModel() {
        return getTask().equals(RNNParamSet.LANGUAGE_MODEL);
    }

    /** The spec as set, or the task's default when it was not. */
    default String effectiveSpec() {
        return isSet(spec()) ? getSpec() : isLanguageModel() ? RNNParamSet.LANGUAGE_MODEL_SPEC : getSpec();
    }

    default Param<String> task() {
        return rnnParams().task;
    }

    default String getTask() {
        return (String) $(task());
    }

    default S setTask(String value) {
        set(task(), value);
        return self();
    }

    default Param<String> spec() {
        return rnnParams().spec;
    }

    default String getSpec() {
        return (String) $(spec());
    }

    default S setSpec(String value) {
        set(spec(), value);
        return self();
    }

    default Param<String> sequenceShape() {
        return rnnParams().sequenceShape;
    }

    default String getSequenceShape() {
        return (String) $(sequenceShape());
    }

    default S setSequenceShape(String value) {
        set(sequenceShape(), value);
        return self();
    }

    default IntParam maxSequenceLength() {
        return rnnParams().maxSequenceLength;
    }

    default int getMaxSequenceLength() {
        return (Integer) $(maxSequenceLength());
    }

    default S setMaxSequenceLength(int value) {
        set(maxSequenceLength(), value);
        return self();
    }

    default Param<String> initializer() {
        return rnnParams().initializer;
    }

    default String getInitializer() {
        return (String) $(initializer());
    }

    default S setInitializer(String value) {
        set(initializer(), value);
        return self();
    }

    default Param<String> featuresCol() {
        return rnnParams().featuresCol;
    }

    default String getFeaturesCol() {
        return (String) $(featuresCol());
    }

    default S setFeaturesCol(String value) {
        set(featuresCol(), value);
        return self();
    }

    default Param<String> labelCol() {
        return rnnParams().labelCol;
    }

    default String getLabelCol() {
        return (String) $(labelCol());
    }

    default S setLabelCol(String value) {
        set(labelCol(), value);
        return self();
    }

    default Param<String> predictionCol() {
        return rnnParams().predictionCol;
    }

    default String getPredictionCol() {
        return (String) $(predictionCol());
    }

    default S setPredictionCol(String value) {
        set(predictionCol(), value);
        return self();
    }

    default Param<String> rawPredictionCol() {
        return rnnParams().rawPredictionCol;
    }

    default String getRawPredictionCol() {
        return (String) $(rawPredictionCol());
    }

    default S setRawPredictionCol(String value) {
        set(rawPredictionCol(), value);
        return self();
    }

    default Param<String> probabilityCol() {
        return rnnParams().probabilityCol;
    }

    default String getProbabilityCol() {
        return (String) $(probabilityCol());
    }

    default S setProbabilityCol(String value) {
        set(probabilityCol(), value);
        return self();
    }

    default IntParam bpttLength() {
        return rnnParams().bpttLength;
    }

    default int getBpttLength() {
        return (Integer) $(bpttLength());
    }

    default S setBpttLength(int value) {
        set(bpttLength(), value);
        return self();
    }

    default IntParam sequenceLength() {
        return rnnParams().sequenceLength;
    }

    default int getSequenceLength() {
        return (Integer) $(sequenceLength());
    }

    default S setSequenceLength(int value) {
        set(sequenceLength(), value);
        return self();
    }

    default IntParam vocabularySize() {
        return rnnParams().vocabularySize;
    }

    default int getVocabularySize() {
        return (Integer) $(vocabularySize());
    }

    default S setVocabularySize(int value) {
        set(vocabularySize(), value);
        return self();
    }

    default IntParam minCharCount() {
        return rnnParams().minCharCount;
    }

    default int getMinCharCount() {
        return (Integer) $(minCharCount());
    }

    default S setMinCharCount(int value) {
        set(minCharCount(), value);
        return self();
    }

    default Param<String> promptCol() {
        return rnnParams().promptCol;
    }

    default String getPromptCol() {
        return (String) $(promptCol());
    }

    default S setPromptCol(String value) {
        set(promptCol(), value);
        return self();
    }

    default Param<String> generatedCol() {
        return rnnParams().generatedCol;
    }

    default String getGeneratedCol() {
        return (String) $(generatedCol());
    }

    default S setGeneratedCol(String value) {
        set(generatedCol(), value);
        return self();
    }

    default IntParam generateLength() {
        return rnnParams().generateLength;
    }

    default int getGenerateLength() {
        return (Integer) $(generateLength());
    }

    default S setGenerateLength(int value) {
        set(generateLength(), value);
        return self();
    }

    default DoubleParam temperature() {
        return rnnParams().temperature;
    }

    default double getTemperature() {
        return (Double) $(temperature());
    }

    default S setTemperature(double value) {
        set(temperature(), value);
        return self();
    }

    default IntParam topK() {
        return rnnParams().topK;
    }

    default int getTopK() {
        return (Integer) $(topK());
    }

    default S setTopK(int value) {
        set(topK(), value);
        return self();
    }
}
