/**
 * End-to-end runs of the assembled product: spark-submit of the assembly jar, a multi-JVM
 * standalone cluster on loopback, executor and driver loss during fit, a pipeline fitted, used,
 * saved and loaded by a client of a live Spark Connect server, the Scala API suite and the
 * notebooks' code. {@link org.sparkdl.it.Processes} starts every JVM and stops each by PID.
 */
package org.sparkdl.it;
