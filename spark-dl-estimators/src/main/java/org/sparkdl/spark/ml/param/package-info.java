/**
 * Params shared by every estimator family, in small groups as MLlib composes {@code HasMaxIter} or
 * {@code HasStepSize}: optimizer, schedule, averaging, checkpoints, backend, early stopping
 * ({@link org.sparkdl.spark.ml.param.HasTrainingParams} is all of them), and image augmentation for
 * self-supervised stages ({@link org.sparkdl.spark.ml.param.HasAugmentation}). Each param is
 * declared once, with its doc, default and validator.
 */
package org.sparkdl.spark.ml.param;
