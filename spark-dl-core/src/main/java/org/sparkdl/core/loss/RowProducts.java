package org.sparkdl.core.loss;

import org.sparkdl.core.kernels.Blas;

/**
 * The two matrix products the contrastive losses are made of, through BLAS: every anchor's dot
 * product with every key, and the keys weighted by the gradient of those products. Row-major
 * arrays, as the losses hold them (BLAS reads a row-major rows×d array as a column-major d×rows
 * one). Before, both were loops of dot products: at SimCLR's 512 views of 128 values they took
 * about a tenth of a training step, and at MoCo's 4,096 queued keys more.
 */
final class RowProducts {
    private RowProducts() {}

    /**
     * {@code out[i·ldOut + offset + j] = a_i · b_j} for the {@code rowsA} rows of a and {@code rowsB}
     * rows of b, each of d values (the products of one anchor in one output row).
     */
    static void products(float[] a, int rowsA, float[] b, int rowsB, int d, float[] out, int offset, int ldOut) {
        Blas.get().sgemm("T", "N", rowsB, rowsA, d, 1f, b, 0, d, a, 0, d, 0f, out, offset, ldOut);
    }

    /**
     * {@code out_i (+)= Σ_j g[i·ldG + offset + j] · b_j}: the rows of b weighted by the gradient of
     * their products ({@link #products}' layout), added to {@code out} when {@code accumulate}.
     */
    static void weightedRows(
            float[] g, int offset, int ldG, int rowsA, float[] b, int rowsB, int d, float[] out, boolean accumulate) {
        Blas.get().sgemm("N", "N", d, rowsA, rowsB, 1f, b, 0, d, g, offset, ldG, accumulate ? 1f : 0f, out, 0, d);
    }
}
