/** Losses from logits: softmax cross-entropy, multiclass hinge, binary cross-entropy. */
package org.sparkdl.core.loss;
