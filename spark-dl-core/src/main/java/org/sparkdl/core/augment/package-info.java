/**
 * Seeded image augmentations for self-supervised learning (SimCLR-style views): an {@link
 * org.sparkdl.core.augment.Augmentation} holds the strengths as plain values, an {@link
 * org.sparkdl.core.augment.Augmenter} turns one C×H×W image into one augmented view (random resized
 * crop, flip, colour jitter, grayscale, gaussian blur, gaussian noise, quarter-turn rotation). Every
 * random draw comes from the generator the caller passes, so a seed gives one view, bit for bit;
 * {@link org.sparkdl.core.augment.Augmenter#seed} derives per-(epoch, partition, row, view) seeds.
 */
package org.sparkdl.core.augment;
