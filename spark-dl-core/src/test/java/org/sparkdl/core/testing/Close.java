package org.sparkdl.core.testing;

import static org.junit.jupiter.api.Assertions.fail;

import org.sparkdl.core.tensor.Tensor;

/**
 * Element-wise comparison with a relative tolerance: |a − e| ≤ rtol·(|e| + 1e-3·max|e|). The small
 * floor relative to the array's largest value keeps near-zero elements from demanding
 * impossible precision, while a wrong value anywhere still fails.
 */
public final class Close {
    private Close() {}

    public static void assertClose(String what, float[] expected, float[] actual, double rtol) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        double maxAbs = 0;
        for (float e : expected) {
            maxAbs = Math.max(maxAbs, Math.abs(e));
        }
        double floor = Math.max(1e-3 * maxAbs, 1e-7);
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs((double) actual[i] - expected[i]);
            if (!(err <= rtol * (Math.abs(expected[i]) + floor))) {
                fail(String.format(
                        "%s[%d]: expected %.8g, got %.8g (relative error %.3g > %.1g)",
                        what, i, expected[i], actual[i], err / (Math.abs(expected[i]) + floor), rtol));
            }
        }
    }

    public static void assertClose(String what, Tensor expected, Tensor actual, double rtol) {
        assertClose(what, expected.data(), actual.data(), rtol);
    }
}
