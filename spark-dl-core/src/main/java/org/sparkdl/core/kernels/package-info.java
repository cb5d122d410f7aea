/**
 * The hot operations (GEMM, convolution forward and both backward passes, pooling) behind the
 * {@link org.sparkdl.core.kernels.Kernels} interface, the CPU implementation over netlib BLAS with
 * im2col convolution, and backend selection; OpenCL implementations are found at run time.
 */
package org.sparkdl.core.kernels;
