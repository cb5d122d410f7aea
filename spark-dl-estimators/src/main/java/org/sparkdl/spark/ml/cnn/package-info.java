/**
 * The CNN family: {@link org.sparkdl.spark.ml.cnn.CNNClassifier} and its model, and their glue
 * over the engine (the classification task's factory, plan and row packer).
 */
package org.sparkdl.spark.ml.cnn;
