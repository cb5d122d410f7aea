package org.sparkdl.core.schedule;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sparkdl.core.testing.Close.assertClose;

import org.junit.jupiter.api.Test;
import org.sparkdl.core.testing.FixtureArchive;

/** Every schedule's first 20 values against PyTorch's schedulers stepped from lr 0.1. */
class ScheduleParityTest {
    private final FixtureArchive f = FixtureArchive.load("schedules");

    private void check(String name, LearningRateSchedule s) {
        float[] expected = f.get(name).data();
        float[] actual = new float[expected.length];
        for (int t = 0; t < actual.length; t++) {
            actual[t] = (float) s.rate(t);
        }
        assertClose(name, expected, actual, 1e-4);
    }

    @Test
    void constant() {
        check("constant", LearningRateSchedule.constant(0.1));
    }

    @Test
    void step() {
        check("step", LearningRateSchedule.step(0.1, 0.5, 5, 12));
    }

    @Test
    void cosine() {
        check("cosine", LearningRateSchedule.cosine(0.1, 20, 0.001));
    }

    @Test
    void linear() {
        check("linear", LearningRateSchedule.linear(0.1, 10, 0.1));
    }

    @Test
    void warmUpThenCosine() {
        check("warmup_cosine", LearningRateSchedule.warmUp(LearningRateSchedule.cosine(0.1, 17, 0.001), 3, 0.1));
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.step(0.1, 0.5, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.cosine(0.1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.constant(Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> LearningRateSchedule.warmUp(LearningRateSchedule.constant(0.1), 2, 0));
    }
}
