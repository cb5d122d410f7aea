package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;

/**
 * A stage with the params of data-parallel training: batches, epochs, parameter averaging, partitions, seed ({@link AveragingParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasAveraging<S extends HasAveraging<S>> extends HasParamGroups<S> {
    default IntParam batchSize() {
        return paramGroups().averaging().batchSize;
    }

    default int getBatchSize() {
        return (Integer) $(batchSize());
    }

    default S setBatchSize(int value) {
        set(batchSize(), value);
        return self();
    }

    default IntParam maxEpochs() {
        return paramGroups().averaging().maxEpochs;
    }

    default int getMaxEpochs() {
        return (Integer) $(maxEpochs());
    }

    default S setMaxEpochs(int value) {
        set(maxEpochs(), value);
        return self();
    }

    default IntParam averagingFrequency() {
        return paramGroups().averaging().averagingFrequency;
    }

    default int getAveragingFrequency() {
        return (Integer) $(averagingFrequency());
    }

    default S setAveragingFrequency(int value) {
        set(averagingFrequency(), value);
        return self();
    }

    default BooleanParam averageOptimizerState() {
        return paramGroups().averaging().averageOptimizerState;
    }

    default boolean getAverageOptimizerState() {
        return (Boolean) $(averageOptimizerState());
    }

    default S setAverageOptimizerState(boolean value) {
        set(averageOptimizerState(), value);
        return self();
    }

    default IntParam numPartitions() {
        return paramGroups().averaging().numPartitions;
    }

    default int getNumPartitions() {
        return (Integer) $(numPartitions());
    }

    default S setNumPartitions(int value) {
        set(numPartitions(), value);
        return self();
    }

    default LongParam seed() {
        return paramGroups().averaging().seed;
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    default S setSeed(long value) {
        set(seed(), value);
        return self();
    }

    default DoubleParam divergenceFactor() {
        return paramGroups().averaging().divergenceFactor;
    }

    default double getDivergenceFactor() {
        return (Double) $(divergenceFactor());
    }

    default S setDivergenceFactor(double value) {
        set(divergenceFactor(), value);
        return self();
    }
}
