/**
 * spark-dl core: the deep-learning engine, plain Java 17 with no Spark or Hadoop. Tensors
 * ({@code tensor}), layers with explicit forward/backward ({@code nn}: feed-forward, convolutional
 * and recurrent, with variable-length sequence batches), losses, optimizers,
 * learning-rate schedules, initialisers, the model-spec parser ({@code spec}), seeded image augmentations ({@code augment}), the hot kernels
 * behind one interface ({@code kernels}) and a single replica's training step ({@code train}).
 * Everything numerical is tested here without Spark.
 */
package org.sparkdl.core;
