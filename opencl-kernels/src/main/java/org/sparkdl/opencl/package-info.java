/**
 * Aparapi (OpenCL) implementations of core's Kernels interface (GEMM, convolution, pooling,
 * element-wise maps), found by core through java.util.ServiceLoader so that core never imports
 * them. They run on the first OpenCL GPU, or a CPU OpenCL device (pocl) in tests.
 */
package org.sparkdl.opencl;
