package org.sparkdl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeavisideTest {
    @Test
    void oneExactlyWherePositive() {
        float[] zero = {Float.NEGATIVE_INFINITY, -Float.MAX_VALUE, -1f, -Float.MIN_VALUE, -0f, 0f};
        float[] one = {
            Float.MIN_VALUE, Float.MIN_NORMAL, 1e-30f, 0.5f, 1f, 3e5f, Float.MAX_VALUE, Float.POSITIVE_INFINITY
        };
        for (float x : zero) {
            assertEquals(0f, Heaviside.step(x), "step(" + x + ")");
        }
        for (float x : one) {
            assertEquals(1f, Heaviside.step(x), "step(" + x + ")");
        }
        assertTrue(Float.isNaN(Heaviside.step(Float.NaN)), "NaN propagates");
    }
}
