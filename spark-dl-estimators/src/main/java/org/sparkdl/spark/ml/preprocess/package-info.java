/** Preprocessing stages: per-channel mean subtraction and image tensorising. */
package org.sparkdl.spark.ml.preprocess;
