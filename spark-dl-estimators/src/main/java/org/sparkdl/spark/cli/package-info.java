/** {@code bin/spark-dl} and the {@code spark-submit} entry point. */
package org.sparkdl.spark.cli;
