/**
 * Dense float tensors (row-major, NCHW for images, N×T×F for sequences) with optional per-sample
 * sequence lengths ({@code Tensor.withLengths}), and shape helpers.
 */
package org.sparkdl.core.tensor;
