/** Plumbing every stage shares: uids, features vectors to floats, reading saved stages. */
package org.sparkdl.spark.ml.util;
