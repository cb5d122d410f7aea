/**
 * Aparapi (OpenCL) implementations of core's Kernels interface (GEMM, convolution, pooling,
 * element-wise maps), found by core through java.util.ServiceLoader so that core never imports
 * them. They run on the first OpenCL GPU, or a CPU OpenCL device (pocl) in tests. They also keep
 * whole training steps on the device ({@code ResidentBackend}): {@code ResidentProgram} lays a
 * step out in one arena, {@code ResidentLayer}s run its layers through {@code ResidentOps}'
 * launches, and {@code OpenClResidentStep} moves the batch up, a few bytes down, and the state
 * once per round.
 */
package org.sparkdl.opencl;
