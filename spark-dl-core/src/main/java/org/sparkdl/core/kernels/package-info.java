/**
 * The hot operations (GEMM, convolution forward and both backward passes, pooling) behind the
 * {@link org.sparkdl.core.kernels.Kernels} interface, the CPU implementation over netlib BLAS
 * ({@code CpuKernels}: im2col convolution, and Winograd's F(4×4, r×r) for stride-1 3×3 and 5×5
 * convolutions of 8 channels and more: {@code WinogradConvolution}, its matrices {@code
 * WinogradMatrices}, its tile transforms {@code TileTransform}; its threads split each call's work
 * through a {@code WorkerTeam}), and backend selection; OpenCL implementations are found at run
 * time.
 */
package org.sparkdl.core.kernels;
