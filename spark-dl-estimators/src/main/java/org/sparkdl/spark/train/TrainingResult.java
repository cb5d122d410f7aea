package org.sparkdl.spark.train;

import org.sparkdl.core.train.TaskState;

/** What a fit returns: the kept epoch's state (the last, or the best under early stopping) and the summary. */
public record TrainingResult(TaskState state, TrainingSummary summary) {}
