package org.sparkdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HalfTest {
    @Test
    void everyHalfRoundTrips() {
        for (int h = 0; h < 1 << 16; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))), "NaN " + Integer.toHexString(h));
            } else {
                assertEquals((short) h, Half.fromFloat(f), "half " + Integer.toHexString(h) + " = " + f);
            }
        }
    }

    @Test
    void knownValues() {
        assertEquals(1f, Half.toFloat((short) 0x3C00));
        assertEquals(65504f, Half.toFloat((short) 0x7BFF));
        assertEquals(0x1p-24f, Half.toFloat((short) 0x0001)); // the smallest subnormal
        assertEquals(-2f, Half.toFloat((short) 0xC000));
        assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(70000f)));
        assertEquals(0f, Half.toFloat(Half.fromFloat(1e-9f)));
        // ties to even: 1 + 2^-11 lies halfway between 1 and 1 + 2^-10, and rounds to 1
        assertEquals(1f, Half.toFloat(Half.fromFloat(1f + 0x1p-11f)));
        assertEquals(1f + 0x1p-9f, Half.toFloat(Half.fromFloat(1f + 3 * 0x1p-11f)));
    }

    /** The encoding is the nearest half: no neighbour is closer (compared in double, exactly). */
    @Test
    void randomFloatsGoToTheNearestHalf() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int n = 0; n < 200_000; n++) {
            float f = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(-8, 5)));
            short h = Half.fromFloat(f);
            double err = Math.abs((double) Half.toFloat(h) - f);
            for (int d : new int[] {-1, 1}) {
                float neighbour = Half.toFloat((short) (h + d));
                if (!Float.isNaN(neighbour) && Math.signum(neighbour) == Math.signum(Half.toFloat(h))) {
                    assertTrue(err <= Math.abs((double) neighbour - f), f + " encoded as " + Half.toFloat(h));
                }
            }
        }
    }
}
