/** Preprocessing stages: per-channel mean subtraction, image tensorising and seeded image augmentation. */
package org.sparkdl.spark.ml.preprocess;
