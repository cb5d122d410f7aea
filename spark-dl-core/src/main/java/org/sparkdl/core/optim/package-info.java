/** Optimizers (SGD, momentum, Nesterov, AdaGrad, RMSProp, Adam, AdamW), penalties and clipping. */
package org.sparkdl.core.optim;
