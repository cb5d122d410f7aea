/**
 * The self-supervised family: {@link org.sparkdl.spark.ml.ssl.ContrastivePretrainer} learns an
 * image encoder from unlabelled rows (SimCLR, DCL, MoCo, DINO, rotation prediction), and {@link
 * org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel} turns images into an {@code embedding}
 * column, for a linear probe, k-NN or fine-tuning by {@code CNNClassifier}.
 */
package org.sparkdl.spark.ml.ssl;
