/** Layers as forward/backward pairs, trainable parameters, and the Sequential model. */
package org.sparkdl.core.nn;
