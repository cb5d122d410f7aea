package org.sparkdl.spark.ml.param;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.spark.train.DataLayout;
import org.sparkdl.spark.train.TrainingPlan;

/**
 * Every group an estimator that trains through the engine has, and what the engine takes from
 * them: the {@link OptimizerConfig} and the {@link TrainingPlan}. Each estimator family adds only
 * its own params (the network, the loss, its columns).
 *
 * @param <S> the stage
 */
public interface HasTrainingParams<S extends HasTrainingParams<S>>
        extends HasOptimizer<S>,
                HasSchedule<S>,
                HasAveraging<S>,
                HasCheckpoints<S>,
                HasPacking<S>,
                HasBackend<S>,
                HasEarlyStopping<S> {
    /** The optimizer params as a value; an invalid combination fails here, naming the param. */
    default OptimizerConfig optimizerConfig() {
        OptimizerConfig opt = new OptimizerConfig(
                getOptimizer(),
                getLearningRate(),
                getMomentum(),
                getBeta1(),
                getBeta2(),
                1e-8,
                getWeightDecay(),
                getL1(),
                getL2());
        opt.create(List.of()); // fails on the driver, naming the param, rather than on an executor
        return opt;
    }

    /** The per-epoch learning rate from learningRate, the schedule params and maxEpochs. */
    default LearningRateSchedule learningRateSchedule() {
        double lr = getLearningRate();
        int warm = getWarmupEpochs();
        int span = Math.max(1, getMaxEpochs() - warm);
        LearningRateSchedule s = switch (getSchedule().toLowerCase(Locale.ROOT)) {
            case "step" -> LearningRateSchedule.step(lr, getScheduleGamma(), getScheduleMilestones());
            case "cosine" -> LearningRateSchedule.cosine(lr, span, getMinLearningRate());
            case "linear" -> LearningRateSchedule.linear(lr, span, Math.min(1, getMinLearningRate() / lr));
            default -> LearningRateSchedule.constant(lr);
        };
        return warm > 0 ? LearningRateSchedule.warmUp(s, warm, getWarmupStartFactor()) : s;
    }

    /** How the engine runs this fit. */
    default TrainingPlan trainingPlan() {
        return new TrainingPlan(
                getMaxEpochs(),
                getAveragingFrequency(),
                getBatchSize(),
                getSeed(),
                learningRateSchedule(),
                getBackend(),
                getEarlyStoppingPatience(),
                isDefined(checkpointDir()) ? getCheckpointDir() : null,
                getCheckpointInterval(),
                getCheckpointPolicy().equals("overwrite"),
                getDivergenceFactor(),
                uid());
    }

    /**
     * How the fit's data is laid out: numPartitions replicas (Spark's default parallelism when 0),
     * in chunks of at most maxBlockSizeInMB.
     */
    default DataLayout dataLayout(SparkSession spark) {
        int replicas = getNumPartitions() > 0
                ? getNumPartitions()
                : spark.sparkContext().defaultParallelism();
        double mb = getMaxBlockSizeInMB();
        return new DataLayout(replicas, mb > 0 ? (long) Math.ceil(mb * (1 << 20)) : DataLayout.DEFAULT_CHUNK_BYTES);
    }

    /** The validation column's name, or "" when none is set. */
    default String validationColumn() {
        return isDefined(validationIndicatorCol()) ? getValidationIndicatorCol() : "";
    }
}
