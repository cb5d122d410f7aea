/**
 * Readers that turn real data into arrays (and, with Spark, DataFrames and Parquet): Fashion-MNIST
 * IDX files, text corpora, images; plus small synthetic generators for tests.
 */
package org.sparkdl.datasets;
