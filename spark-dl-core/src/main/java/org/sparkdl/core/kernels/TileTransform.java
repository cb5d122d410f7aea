package org.sparkdl.core.kernels;

import java.util.Arrays;

/**
 * A separable transform of square tiles, {@code Out = K · In · Kᵀ}, applied to many tiles at once:
 * element (a, b) of every tile is one array ({@code in[a·side + b]}, all of length {@code len}), so
 * each step of the transform is a sum of whole arrays scaled by K's coefficients.
 *
 * <p>Why arrays of planes rather than tiles: Java 17's C2 vectorises {@code d[e] += k·s[e]} only
 * when the loads and the store share their index (0.11 against 0.58 ns per element with shifted
 * offsets, measured here), and a tile's 36 or 64 elements are too few to vectorise over. Over
 * planes every loop is a long same-index loop over separate arrays. K's zeros are skipped (Winograd's
 * Bᵀ for α = 6 has 22 non-zeros of 36).
 */
final class TileTransform {
    /** K's shape: rows (the output side) × columns (the input side). */
    private final int rows;

    private final int cols;
    /** Per row of K: the columns with a non-zero coefficient, and the coefficients. */
    private final int[][] index;

    private final float[][] coef;

    TileTransform(float[][] k) {
        this.rows = k.length;
        this.cols = k[0].length;
        this.index = new int[rows][];
        this.coef = new float[rows][];
        for (int p = 0; p < rows; p++) {
            int nonZero = 0;
            for (float v : k[p]) {
                nonZero += v != 0f ? 1 : 0;
            }
            index[p] = new int[nonZero];
            coef[p] = new float[nonZero];
            for (int a = 0, t = 0; a < cols; a++) {
                if (k[p][a] != 0f) {
                    index[p][t] = a;
                    coef[p][t++] = k[p][a];
                }
            }
        }
    }

    /** Side of an input tile (K's columns). */
    int inSide() {
        return cols;
    }

    /** Side of an output tile (K's rows). */
    int outSide() {
        return rows;
    }

    /** Arrays of the scratch that {@link #apply} needs. */
    int scratchPlanes() {
        return cols * rows;
    }

    /**
     * {@code out[p·R + q] = Σ_a Σ_b K[p][a]·K[q][b]·in[a·C + b]} over the first {@code len} floats
     * of each array (R = K's rows, C its columns): first along b into {@code tmp[a·R + q]}, then
     * along a.
     */
    void apply(float[][] in, float[][] tmp, float[][] out, int len) {
        apply(in, tmp, out, 0, len);
    }

    /**
     * {@link #apply(float[][], float[][], float[][], int)} over elements {@code [from, to)} of every
     * array, the same in all of them: a range's loads and stores share their offset, which keeps
     * the loops vectorised (Java 17's C2 does not vectorise a loop whose references have different
     * offsets), so workers can split the elements.
     */
    void apply(float[][] in, float[][] tmp, float[][] out, int from, int to) {
        // tmp[a][q] = Σ_b K[q][b]·in[a][b]
        for (int a = 0; a < cols; a++) {
            for (int q = 0; q < rows; q++) {
                combine(tmp[a * rows + q], in, a * cols, 1, index[q], coef[q], from, to);
            }
        }
        // out[p][q] = Σ_a K[p][a]·tmp[a][q]
        for (int p = 0; p < rows; p++) {
            for (int q = 0; q < rows; q++) {
                combine(out[p * rows + q], tmp, q, rows, index[p], coef[p], from, to);
            }
        }
    }

    /** {@code dst = Σ_t c[t]·src[base + idx[t]·stride]} over [from, to), two terms per pass over dst. */
    private static void combine(
            float[] dst, float[][] src, int base, int stride, int[] idx, float[] c, int from, int to) {
        int terms = idx.length;
        if (terms == 0) {
            Arrays.fill(dst, from, to, 0f);
            return;
        }
        float[] s0 = src[base + idx[0] * stride];
        float c0 = c[0];
        int t;
        if (terms == 1) {
            for (int e = from; e < to; e++) {
                dst[e] = c0 * s0[e];
            }
            t = 1;
        } else {
            float[] s1 = src[base + idx[1] * stride];
            float c1 = c[1];
            for (int e = from; e < to; e++) {
                dst[e] = c0 * s0[e] + c1 * s1[e];
            }
            t = 2;
        }
        for (; t + 1 < terms; t += 2) {
            float[] sa = src[base + idx[t] * stride];
            float[] sb = src[base + idx[t + 1] * stride];
            float ca = c[t];
            float cb = c[t + 1];
            for (int e = from; e < to; e++) {
                dst[e] += ca * sa[e] + cb * sb[e];
            }
        }
        if (t < terms) {
            float[] sa = src[base + idx[t] * stride];
            float ca = c[t];
            for (int e = from; e < to; e++) {
                dst[e] += ca * sa[e];
            }
        }
    }
}
