package org.sparkdl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TileTransformTest {
    /**
     * Every matrix of F(m, r) that the convolutions apply (Bᵀ, B, Aᵀ, A, G, Gᵀ), against K·In·Kᵀ
     * in double, on a range of elements that starts and ends inside the planes (as a worker's share).
     */
    @ParameterizedTest
    @CsvSource({"2,3", "2,5", "4,3", "4,5", "6,3", "6,5"})
    void matchesTheDefinition(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        float[][][] all = {
            w.bt(),
            WinogradMatrices.transpose(w.bt()),
            w.at(),
            WinogradMatrices.transpose(w.at()),
            w.g(),
            WinogradMatrices.transpose(w.g())
        };
        for (float[][] k : all) {
            check(k, new SplittableRandom(31L * m + r));
        }
    }

    /**
     * Winograd's rows for ±p share their sums: with α = 8, a pair of Bᵀ's 6-term rows takes two loops
     * (E, then O with both results) where alone its rows take four.
     */
    @ParameterizedTest
    @CsvSource({"4,5", "6,3"})
    void pairsTheRowsOfOppositePoints(int m, int r) {
        WinogradMatrices w = WinogradMatrices.of(m, r);
        TileTransform bt = new TileTransform(w.bt());
        int alone = 0;
        for (float[] row : w.bt()) {
            alone += Math.max(1, (nonZero(row) + 3) / 4);
        }
        assertTrue(bt.loops() < alone, "Bᵀ of F(" + m + "," + r + "): " + bt.loops() + " loops, " + alone + " alone");
    }

    private static int nonZero(float[] row) {
        int n = 0;
        for (float v : row) {
            n += v != 0f ? 1 : 0;
        }
        return n;
    }

    private static void check(float[][] k, SplittableRandom rng) {
        int rows = k.length;
        int cols = k[0].length;
        int len = 37;
        int from = 3;
        int to = 35;
        float[][] in = new float[cols * cols][len];
        for (float[] plane : in) {
            for (int e = 0; e < len; e++) {
                plane[e] = (float) rng.nextDouble(-1, 1);
            }
        }
        TileTransform t = new TileTransform(k);
        float[][] tmp = new float[t.scratchPlanes()][len];
        float[][] out = new float[rows * rows][len];
        for (float[] plane : out) {
            java.util.Arrays.fill(plane, Float.NaN); // outside [from, to) must stay unwritten
        }
        t.apply(in, tmp, out, from, to);
        double scale = 0;
        for (float[] row : k) {
            double s = 0;
            for (float v : row) {
                s += Math.abs(v);
            }
            scale = Math.max(scale, s);
        }
        for (int p = 0; p < rows; p++) {
            for (int q = 0; q < rows; q++) {
                for (int e = 0; e < len; e++) {
                    float got = out[p * rows + q][e];
                    if (e < from || e >= to) {
                        assertTrue(Float.isNaN(got), "element " + e + " outside the range was written");
                        continue;
                    }
                    double want = 0;
                    for (int a = 0; a < cols; a++) {
                        for (int b = 0; b < cols; b++) {
                            want += (double) k[p][a] * k[q][b] * in[a * cols + b][e];
                        }
                    }
                    assertEquals(
                            want,
                            got,
                            1e-5 * scale * scale,
                            "out[" + p + "," + q + "][" + e + "] of a " + rows + "x" + cols + " transform");
                }
            }
        }
    }
}
