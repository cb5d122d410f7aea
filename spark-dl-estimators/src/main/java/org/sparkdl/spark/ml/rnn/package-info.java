/**
 * The recurrent family: {@link org.sparkdl.spark.ml.rnn.RNNSequencer} (sequence classification and
 * character language models, with truncated backpropagation through time) and its model, as glue
 * over the engine's classification and language-model tasks.
 */
package org.sparkdl.spark.ml.rnn;
