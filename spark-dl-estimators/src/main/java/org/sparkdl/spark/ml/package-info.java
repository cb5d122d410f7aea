/**
 * The Spark ML stages, one package per family: {@code cnn} (CNNClassifier and its model),
 * {@code preprocess} (ChannelMeanSubtractor, ImageTensorizer), {@code param} (the param groups
 * every estimator shares), {@code util} (stage plumbing). The classes here only keep the names
 * stages had in release 0.1.0 loadable.
 */
package org.sparkdl.spark.ml;
