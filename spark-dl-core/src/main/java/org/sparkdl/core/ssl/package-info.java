/**
 * Self-supervised pretraining tasks: an encoder learns image representations from unlabelled
 * samples by one of the {@link org.sparkdl.core.ssl.PretrainingMethod}s. Each method is a {@link
 * org.sparkdl.core.train.TrainingTask} whose state slots say what data-parallel training averages
 * (weights, optimizer moments, a moving-average teacher or key encoder, DINO's centre) and what
 * each partition keeps (MoCo's queue of keys).
 */
package org.sparkdl.core.ssl;
