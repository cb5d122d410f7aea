package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.Params;

/**
 * One stage's declared param groups: those of the {@code Has*} interfaces the stage implements,
 * each made once, when the stage is constructed, so that its params and defaults exist before
 * Spark looks for them.
 */
public final class ParamGroups implements Serializable {
    private static final long serialVersionUID = 1L;

    private final OptimizerParams optimizer;
    private final ScheduleParams schedule;
    private final AveragingParams averaging;
    private final CheckpointsParams checkpoints;
    private final BackendParams backend;
    private final EarlyStoppingParams earlyStopping;
    private final InferenceParams inference;
    private final AugmentationParams augmentation;
    private final PackingParams packing;

    public ParamGroups(Params stage) {
        optimizer = stage instanceof HasOptimizer<?> ? new OptimizerParams(stage) : null;
        schedule = stage instanceof HasSchedule<?> ? new ScheduleParams(stage) : null;
        averaging = stage instanceof HasAveraging<?> ? new AveragingParams(stage) : null;
        checkpoints = stage instanceof HasCheckpoints<?> ? new CheckpointsParams(stage) : null;
        backend = stage instanceof HasBackend<?> ? new BackendParams(stage) : null;
        earlyStopping = stage instanceof HasEarlyStopping<?> ? new EarlyStoppingParams(stage) : null;
        inference = stage instanceof HasInferenceBackend<?> ? new InferenceParams(stage) : null;
        augmentation = stage instanceof HasAugmentation<?> ? new AugmentationParams(stage) : null;
        packing = stage instanceof HasPacking<?> ? new PackingParams(stage) : null;
    }

    OptimizerParams optimizer() {
        return optimizer;
    }

    ScheduleParams schedule() {
        return schedule;
    }

    AveragingParams averaging() {
        return averaging;
    }

    CheckpointsParams checkpoints() {
        return checkpoints;
    }

    BackendParams backend() {
        return backend;
    }

    EarlyStoppingParams earlyStopping() {
        return earlyStopping;
    }

    InferenceParams inference() {
        return inference;
    }

    AugmentationParams augmentation() {
        return augmentation;
    }

    PackingParams packing() {
        return packing;
    }
}
