package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastMathTest {
    private static void close(String what, double want, float got, double relative) {
        if (Float.isInfinite((float) want)) {
            assertEquals((float) want, got, what + " overflows float");
            return;
        }
        double err = Math.abs(got - want);
        assertTrue(
                err <= relative * Math.abs(want) + 1e-37, what + ": " + got + " vs " + want + " (error " + err + ")");
    }

    @Test
    void expSigmoidAndTanhMatchMathToFloatPrecision() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < 200_000; i++) {
            float x = (float) (i % 2 == 0 ? rng.nextDouble(-90, 90) : rng.nextGaussian() * 3);
            close("exp(" + x + ")", Math.exp(x), FastMath.exp(x), 4e-7);
            close("sigmoid(" + x + ")", 1 / (1 + Math.exp(-x)), FastMath.sigmoid(x), 4e-7);
            close("tanh(" + x + ")", Math.tanh(x), FastMath.tanh(x), 4e-7);
        }
        for (float x : new float[] {0f, 1e-30f, -1e-8f, 0.4999f, 0.5f, -0.5001f, 9f, -20f}) {
            close("tanh(" + x + ")", Math.tanh(x), FastMath.tanh(x), 4e-7);
        }
        assertEquals(Float.POSITIVE_INFINITY, FastMath.exp(100f));
        assertEquals((float) Math.exp(-100), FastMath.exp(-100f), "a subnormal");
        assertEquals(1f, FastMath.tanh(50f));
        assertEquals(0f, FastMath.sigmoid(-200f));
    }
}
