/**
 * The data-parallel driver every estimator trains through: packing rows into cached chunks (that
 * spill to disk when larger than memory), rounds of parameter averaging, validation, early
 * stopping, checkpoints, the summary. It takes value objects (a task factory, a plan, a data
 * layout) and never depends on an estimator.
 */
package org.sparkdl.spark.train;
