package org.sparkdl.core.train;

/**
 * What differs between estimators: one replica's model(s), optimizer and loss, seen by the
 * engine as a state of named slots, a step over a mini-batch of named columns, and an
 * evaluation. CNN classification, sequence models and each contrastive method are tasks; the
 * engine ({@link LocalRounds} here, the data-parallel driver on Spark) is the same for all.
 *
 * <p>A task instance belongs to one thread; it is reused across rounds and reloaded from the
 * averaged state at the start of each.
 */
public interface TrainingTask {
    /** The state's slots and their merge rules; fixed for the task's life. */
    StateLayout layout();

    /** Copies the current state into {@code slots}, one array per slot of {@link #layout()}. */
    void saveState(float[][] slots);

    /**
     * Replaces the state with {@code slots}, one array per slot. The arrays belong to the engine
     * (in local mode, to the driver's broadcast): copy what you keep, never write them.
     */
    void loadState(float[][] slots);

    void setLearningRate(double lr);

    /**
     * How far the fit is: the fraction of its rounds done before the coming round ({@code (epoch +
     * round / roundsPerEpoch) / epochs}). Set before every round, for a task's own schedules (a
     * teacher's momentum); by default ignored.
     */
    default void setProgress(double fractionDone) {}

    /** Seeds this round's randomness (dropout masks, augmentations), for reproducible runs. */
    void reseed(long seed);

    /**
     * One optimizer step on {@code batch}; adds the task's own figures (correct predictions,
     * tokens...) to {@code figures} and returns the batch's mean loss before the update.
     */
    double step(DataBlock batch, Figures figures);

    /** Called after every step: e.g. a moving-average teacher follows the student. */
    default void afterStep() {}

    /** Scores {@code batch} in inference mode, adding figures that {@link TaskFactory#validationMetrics} reads. */
    void evaluate(DataBlock batch, Figures figures);
}
