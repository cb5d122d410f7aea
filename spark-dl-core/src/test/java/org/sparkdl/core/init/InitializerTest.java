package org.sparkdl.core.init;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Conv2d;
import org.sparkdl.core.nn.Dense;

/** Each initialiser has the variance its formula promises, stays in its bounds and is seeded. */
class InitializerTest {
    @ParameterizedTest
    @CsvSource({
        "XAVIER_UNIFORM,0.0196078",
        "XAVIER_NORMAL,0.0196078",
        "HE_UNIFORM,0.04",
        "HE_NORMAL,0.04",
        "FAN_IN_UNIFORM,0.0066667"
    })
    void varianceMatchesTheFormula(Initializer init, double expectedVariance) {
        // fanIn 50, fanOut 52: Xavier var 2/(fanIn+fanOut) = 0.0196; He var 2/fanIn = 0.04;
        // PyTorch's U(±1/√fanIn) var 1/(3·fanIn) = 0.00667
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
    @CsvSource({
        "he,HE_NORMAL",
        "kaiming_uniform,HE_UNIFORM",
        "glorot,XAVIER_UNIFORM",
        "Xavier-Normal,XAVIER_NORMAL",
        "pytorch,FAN_IN_UNIFORM"
    })
    void parsesNames(String name, Initializer expected) {
        assertEquals(expected, Initializer.parse(name));
    }

    @Test
    void biasesStartAtZeroExceptUnderPyTorchsDefault() {
        CpuKernels kernels = new CpuKernels(1);
        Dense he = new Dense(kernels, 16, 400);
        he.initialize(Initializer.HE_NORMAL, new SplittableRandom(5));
        assertArrayEquals(new float[400], he.bias().data());
        // a conv's bias fan is C·KH·KW = 2·3·3 = 18, as in PyTorch: bound 1/√18 = 0.236
        Conv2d conv = new Conv2d(kernels, 2, 400, 3, 3, 1, 1);
        conv.initialize(Initializer.FAN_IN_UNIFORM, new SplittableRandom(5));
        float[] b = conv.bias().data();
        double bound = 1 / Math.sqrt(18);
        double maxAbs = 0;
        for (float v : b) {
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertTrue(maxAbs <= bound && maxAbs > 0.9 * bound, "bias bound 1/sqrt(18), max |b| " + maxAbs);
    }

    @Test
    void unknownName() {
        var e = assertThrows(IllegalArgumentException.class, () -> Initializer.parse("orthogonal"));
        assertTrue(e.getMessage().contains("'orthogonal'"));
        assertTrue(e.getMessage().contains("fan_in_uniform"), e.getMessage());
    }
}
