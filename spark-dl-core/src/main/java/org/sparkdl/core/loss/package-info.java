/**
 * Losses from logits: softmax cross-entropy, multiclass hinge, binary cross-entropy; and the losses
 * of self-supervised methods: contrastive (NT-Xent, DCL), MoCo's InfoNCE with its {@link
 * org.sparkdl.core.loss.KeyQueue}, and DINO's.
 */
package org.sparkdl.core.loss;
