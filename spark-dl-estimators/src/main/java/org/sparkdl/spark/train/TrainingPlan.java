package org.sparkdl.spark.train;

import org.sparkdl.core.schedule.LearningRateSchedule;

/**
 * How to run a data-parallel fit, independent of what is trained.
 *
 * @param averagingFrequency local mini-batch steps per partition between two averagings
 * @param backend kernels backend on the executors: auto, cpu or opencl
 * @param earlyStoppingPatience epochs without a better validation metric before stopping; 0 = never
 * @param checkpointDir Hadoop directory for checkpoints, or null for none
 * @param overwriteCheckpoints drop this configuration and data's checkpoints instead of resuming
 * @param divergenceFactor a round whose loss exceeds this many times the loss before the first step
 *     stops the fit
 * @param fit the fitting stage's uid, which labels the fit's Spark jobs ({@link FitProgress})
 */
public record TrainingPlan(
        int maxEpochs,
        int averagingFrequency,
        int batchSize,
        long seed,
        LearningRateSchedule schedule,
        String backend,
        int earlyStoppingPatience,
        String checkpointDir,
        int checkpointInterval,
        boolean overwriteCheckpoints,
        double divergenceFactor,
        String fit) {
    public TrainingPlan {
        if (maxEpochs < 1 || averagingFrequency < 1 || batchSize < 1 || checkpointInterval < 1) {
            throw new IllegalArgumentException("maxEpochs, averagingFrequency, batchSize and checkpointInterval must"
                    + " be >= 1, got " + maxEpochs + ", " + averagingFrequency + ", " + batchSize + ", "
                    + checkpointInterval);
        }
        if (earlyStoppingPatience < 0) {
            throw new IllegalArgumentException("earlyStoppingPatience must be >= 0, got " + earlyStoppingPatience);
        }
        if (!(divergenceFactor > 1)) {
            throw new IllegalArgumentException("divergenceFactor must be > 1, got " + divergenceFactor);
        }
        if (fit == null || fit.isBlank()) {
            throw new IllegalArgumentException("a fit needs a name (the stage's uid) to label its jobs");
        }
        if (checkpointDir != null && checkpointDir.isBlank()) {
            checkpointDir = null;
        }
    }

    /** What makes two fits' checkpoints interchangeable besides the task and the data. */
    String checkpointKey() {
        return "batch " + batchSize + ", averagingFrequency " + averagingFrequency + ", seed " + seed;
    }
}
