package org.sparkdl.core.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each initialiser has the variance its formula promises, stays in its bounds and is seeded. */
class InitializerTest {
    @ParameterizedTest
    @CsvSource({"XAVIER_UNIFORM,0.0196078", "XAVIER_NORMAL,0.0196078", "HE_UNIFORM,0.04", "HE_NORMAL,0.04"})
    void varianceMatchesTheFormula(Initializer init, double expectedVariance) {
        // fanIn 50, fanOut 52: Xavier var 2/(fanIn+fanOut) = 0.0196; He var 2/fanIn = 0.04
        float[] w = new float[200_000];
        init.fill(w, 50, 52, new SplittableRandom(3));
        double sum = 0;
        double sq = 0;
        double maxAbs = 0;
        for (float v : w) {
            sum += v;
            sq += v * v;
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        double mean = sum / w.length;
        assertEquals(0, mean, 0.002);
        assertEquals(expectedVariance, sq / w.length - mean * mean, expectedVariance * 0.02);
        if (init.name().endsWith("UNIFORM")) {
            assertTrue(maxAbs <= Math.sqrt(3 * expectedVariance) + 1e-6, "uniform bound exceeded: " + maxAbs);
        }
        float[] again = new float[w.length];
        init.fill(again, 50, 52, new SplittableRandom(3));
        assertArrayEquals(w, again);
    }

    @ParameterizedTest
    @CsvSource({"he,HE_NORMAL", "kaiming_uniform,HE_UNIFORM", "glorot,XAVIER_UNIFORM", "Xavier-Normal,XAVIER_NORMAL"})
    void parsesNames(String name, Initializer expected) {
        assertEquals(expected, Initializer.parse(name));
    }

    @org.junit.jupiter.api.Test
    void unknownName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Initializer.parse("orthogonal"));
        assertTrue(e.getMessage().contains("'orthogonal'"));
    }
}
