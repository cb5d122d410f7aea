package org.sparkdl.core.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MomentumScheduleTest {
    @Test
    void cosineRisesFromTheBaseTowardsOne() {
        MomentumSchedule cos = MomentumSchedule.COSINE;
        assertEquals(0.996, cos.at(0.996, 0), 1e-15);
        assertEquals(0.998, cos.at(0.996, 0.5), 1e-15, "half way: half the distance to 1");
        assertEquals(1.0, cos.at(0.996, 1), 1e-15);
        assertEquals(1 - 0.004 * (1 + Math.cos(Math.PI * 0.25)) / 2, cos.at(0.996, 0.25), 1e-15);
        double last = 0;
        for (int e = 0; e < 30; e++) {
            double m = cos.at(0.99, e / 30.0);
            assertTrue(m >= last && m < 1, "epoch " + e + ": " + m);
            last = m;
        }
        assertEquals(0.9, MomentumSchedule.CONSTANT.at(0.9, 0.7), 0);
    }

    @Test
    void parsesTheNamesUsersWrite() {
        assertEquals(MomentumSchedule.COSINE, MomentumSchedule.parse(" Cosine "));
        assertEquals(MomentumSchedule.CONSTANT, MomentumSchedule.parse("constant"));
        var e = assertThrows(IllegalArgumentException.class, () -> MomentumSchedule.parse("linear"));
        assertTrue(e.getMessage().contains("'linear'") && e.getMessage().contains("cosine"), e.getMessage());
    }
}
