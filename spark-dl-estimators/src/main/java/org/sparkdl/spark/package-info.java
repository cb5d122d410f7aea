/**
 * Everything Spark: the Spark ML stages (CNNClassifier, preprocessing), their Params,
 * the data-parallel trainer (parameter averaging with treeAggregate), persistence (metadata JSON
 * and Parquet weights through the Hadoop FileSystem), checkpoints and the spark-submit entry point.
 * Spark is a provided dependency.
 */
package org.sparkdl.spark;
