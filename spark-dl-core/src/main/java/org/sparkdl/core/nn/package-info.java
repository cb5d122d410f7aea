/**
 * Layers as forward/backward pairs, trainable parameters, the Sequential model and the Chain of two
 * models, and LayerFusion, the explicit rewrite that runs a convolution with the ReLU and max
 * pooling after it as one ConvBlock.
 */
package org.sparkdl.core.nn;
