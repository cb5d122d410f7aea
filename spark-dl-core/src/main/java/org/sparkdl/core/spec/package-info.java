/**
 * The model-spec language: one readable string builds a model, with shape inference and precise
 * errors. Input shapes C,H,W (images), F (flat features), T,F (sequences) or T (token ids, for a
 * first {@code embedding}); sequence tokens {@code embedding}, {@code rnn}, {@code lstm}, {@code
 * gru} and {@code last}.
 */
package org.sparkdl.core.spec;
