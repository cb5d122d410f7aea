/** One on-disk layout for every stage with a state: MLlib's metadata JSON, named tensors in Parquet, their layout. */
package org.sparkdl.spark.persist;
