/**
 * Benchmarks: JMH kernels (GEMM, CNN-S convolutions, a training step) with a GFLOP/s report, and
 * end-to-end training runs on Fashion-MNIST. Results go to docs/PERFORMANCE.md.
 */
package org.sparkdl.bench;
