/**
 * The one place where the Spark and Scala versions spark-dl builds for differ (README, "Spark and
 * Scala versions"). {@link org.sparkdl.spark.compat.SparkCompat} is compiled from
 * {@code src/main/spark-3.5} or {@code src/main/spark-4}, whichever the build's target selects
 * (the root POM's {@code spark.compat}); {@link org.sparkdl.spark.compat.ScalaCollections} is one
 * source for Scala 2.12 and 2.13. Everything else in the module compiles unchanged against every
 * target.
 */
package org.sparkdl.spark.compat;
