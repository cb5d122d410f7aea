/**
 * The data-parallel driver every estimator trains through: packing rows into blocks, rounds of
 * parameter averaging, validation, early stopping, checkpoints, the summary. It takes value
 * objects (a task factory, a plan) and never depends on an estimator.
 */
package org.sparkdl.spark.train;
