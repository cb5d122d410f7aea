/**
 * Training tasks: what each estimator family trains, as {@link org.sparkdl.core.train.TrainingTask}s
 * that the one data-parallel engine runs. Classification of fixed-size samples (CNNs, MLPs) is the
 * first.
 */
package org.sparkdl.core.task;
