package org.sparkdl.spark.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The CNN params as Spark finds them (public no-argument methods returning a {@code Param}), with
 * typed getters. Both {@link CNNClassifier} and {@link CNNClassificationModel} implement it over
 * their own {@link CNNParamSet}, so {@code fit} copies every value to the model by name.
 */
public interface CNNParams extends Params {
    /** The params of this stage. */
    CNNParamSet cnnParams();

    default Param<String> spec() {
        return cnnParams().spec;
    }

    default String getSpec() {
        return (String) $(spec());
    }

    default Param<String> inputShape() {
        return cnnParams().inputShape;
    }

    default String getInputShape() {
        return (String) $(inputShape());
    }

    default Param<String> optimizer() {
        return cnnParams().optimizer;
    }

    default String getOptimizer() {
        return (String) $(optimizer());
    }

    default DoubleParam learningRate() {
        return cnnParams().learningRate;
    }

    default double getLearningRate() {
        return (Double) $(learningRate());
    }

    default DoubleParam momentum() {
        return cnnParams().momentum;
    }

    default double getMomentum() {
        return (Double) $(momentum());
    }

    default DoubleParam beta1() {
        return cnnParams().beta1;
    }

    default double getBeta1() {
        return (Double) $(beta1());
    }

    default DoubleParam beta2() {
        return cnnParams().beta2;
    }

    default double getBeta2() {
        return (Double) $(beta2());
    }

    default DoubleParam weightDecay() {
        return cnnParams().weightDecay;
    }

    default double getWeightDecay() {
        return (Double) $(weightDecay());
    }

    default DoubleParam l1() {
        return cnnParams().l1;
    }

    default double getL1() {
        return (Double) $(l1());
    }

    default DoubleParam l2() {
        return cnnParams().l2;
    }

    default double getL2() {
        return (Double) $(l2());
    }

    default DoubleParam gradientClipNorm() {
        return cnnParams().gradientClipNorm;
    }

    default double getGradientClipNorm() {
        return (Double) $(gradientClipNorm());
    }

    default Param<String> schedule() {
        return cnnParams().schedule;
    }

    default String getSchedule() {
        return (String) $(schedule());
    }

    default IntArrayParam scheduleMilestones() {
        return cnnParams().scheduleMilestones;
    }

    default int[] getScheduleMilestones() {
        return (int[]) $(scheduleMilestones());
    }

    default DoubleParam scheduleGamma() {
        return cnnParams().scheduleGamma;
    }

    default double getScheduleGamma() {
        return (Double) $(scheduleGamma());
    }

    default DoubleParam minLearningRate() {
        return cnnParams().minLearningRate;
    }

    default double getMinLearningRate() {
        return (Double) $(minLearningRate());
    }

    default IntParam warmupEpochs() {
        return cnnParams().warmupEpochs;
    }

    default int getWarmupEpochs() {
        return (Integer) $(warmupEpochs());
    }

    default DoubleParam warmupStartFactor() {
        return cnnParams().warmupStartFactor;
    }

    default double getWarmupStartFactor() {
        return (Double) $(warmupStartFactor());
    }

    default Param<String> loss() {
        return cnnParams().loss;
    }

    default String getLoss() {
        return (String) $(loss());
    }

    default Param<String> initializer() {
        return cnnParams().initializer;
    }

    default String getInitializer() {
        return (String) $(initializer());
    }

    default IntParam batchSize() {
        return cnnParams().batchSize;
    }

    default int getBatchSize() {
        return (Integer) $(batchSize());
    }

    default IntParam maxEpochs() {
        return cnnParams().maxEpochs;
    }

    default int getMaxEpochs() {
        return (Integer) $(maxEpochs());
    }

    default IntParam averagingFrequency() {
        return cnnParams().averagingFrequency;
    }

    default int getAveragingFrequency() {
        return (Integer) $(averagingFrequency());
    }

    default BooleanParam averageOptimizerState() {
        return cnnParams().averageOptimizerState;
    }

    default boolean getAverageOptimizerState() {
        return (Boolean) $(averageOptimizerState());
    }

    default IntParam numPartitions() {
        return cnnParams().numPartitions;
    }

    default int getNumPartitions() {
        return (Integer) $(numPartitions());
    }

    default LongParam seed() {
        return cnnParams().seed;
    }

    default long getSeed() {
        return (Long) $(seed());
    }

    default Param<String> backend() {
        return cnnParams().backend;
    }

    default String getBackend() {
        return (String) $(backend());
    }

    default Param<String> validationIndicatorCol() {
        return cnnParams().validationIndicatorCol;
    }

    default String getValidationIndicatorCol() {
        return (String) $(validationIndicatorCol());
    }

    default Param<String> checkpointDir() {
        return cnnParams().checkpointDir;
    }

    default String getCheckpointDir() {
        return (String) $(checkpointDir());
    }

    default IntParam checkpointInterval() {
        return cnnParams().checkpointInterval;
    }

    default int getCheckpointInterval() {
        return (Integer) $(checkpointInterval());
    }
}
