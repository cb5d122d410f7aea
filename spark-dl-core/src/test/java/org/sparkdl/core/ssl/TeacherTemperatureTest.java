package org.sparkdl.core.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TeacherTemperatureTest {
    @Test
    void warmsUpLinearlyThenHolds() {
        TeacherTemperature t = new TeacherTemperature(0.04, 0.07, 0.3);
        assertEquals(0.04, t.at(0), 1e-15);
        assertEquals(0.055, t.at(0.15), 1e-15);
        assertEquals(0.07, t.at(0.3), 1e-15);
        assertEquals(0.07, t.at(0.9), 1e-15);
        assertEquals(0.04, t.at(-1), 1e-15, "progress is clamped to [0, 1]");
    }

    @Test
    void constantIsTheSameThroughout() {
        TeacherTemperature t = TeacherTemperature.constant(0.02);
        assertEquals(0.02, t.at(0), 0);
        assertEquals(0.02, t.at(0.5), 0);
        assertEquals(0.02, t.at(1), 0);
    }

    @Test
    void rejectsWhatIsNotATemperatureOrAFraction() {
        var zero = assertThrows(IllegalArgumentException.class, () -> new TeacherTemperature(0, 0.07, 0.3));
        assertTrue(zero.getMessage().contains("initial teacher temperature must be > 0"), zero.getMessage());
        var nan = assertThrows(IllegalArgumentException.class, () -> new TeacherTemperature(0.04, Double.NaN, 0.3));
        assertTrue(nan.getMessage().contains("teacherTemperature must be > 0"), nan.getMessage());
        var frac = assertThrows(IllegalArgumentException.class, () -> new TeacherTemperature(0.04, 0.07, 1.5));
        assertTrue(frac.getMessage().contains("in [0, 1], got 1.5"), frac.getMessage());
    }
}
