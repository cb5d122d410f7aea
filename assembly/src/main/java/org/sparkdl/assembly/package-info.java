/**
 * The assembly: one shaded jar (core, estimators, OpenCL kernels, datasets) for {@code spark-submit},
 * without Spark, Hadoop or Scala, which the cluster provides. Its main class is the spark-dl CLI.
 */
package org.sparkdl.assembly;
