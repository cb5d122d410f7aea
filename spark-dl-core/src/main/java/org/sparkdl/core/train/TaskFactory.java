package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Map;
import org.sparkdl.core.kernels.Kernels;

/**
 * A task's configuration as a plain value that travels to executors: builds replicas and turns
 * summed {@link Figures} into the per-epoch metrics a user reads. The driver needs nothing else
 * from an estimator.
 */
public interface TaskFactory extends Serializable {
    /** A fresh replica, its weights initialised from the configuration's seed. */
    TrainingTask create(Kernels kernels);

    /**
     * Identifies the whole configuration: replicas of equal keys are interchangeable, and a
     * checkpoint is resumed only under the same key.
     */
    String key();

    /** Per-epoch training metrics from the epoch's summed figures, e.g. trainingLoss, trainingAccuracy. */
    Map<String, Double> trainingMetrics(Figures sums);

    /** Validation metrics from the summed figures of {@link TrainingTask#evaluate}, e.g. validationAccuracy. */
    Map<String, Double> validationMetrics(Figures sums);

    /** The validation metric that early stopping watches (a key of {@link #validationMetrics}). */
    String validationMetric();

    /** Whether a larger {@link #validationMetric} is better (accuracy) or a smaller one (loss). */
    boolean largerIsBetter();

    /**
     * Rows per {@link TrainingTask#evaluate} call: 256 by default; larger for a task whose figures
     * compare rows with each other (a k-NN accuracy of embeddings).
     */
    default int evaluationBatchSize() {
        return 256;
    }
}
