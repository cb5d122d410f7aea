package org.sparkdl.core.ssl;

import java.io.Serializable;

/**
 * DINO's teacher temperature over a fit, as a function of how far the fit is (the fraction p of its
 * rounds done): linear from {@code initial} to {@code temperature} over the first {@code
 * warmupFraction} of the fit, then held at {@code temperature}. The paper warms it up from 0.04 to
 * 0.07 over its first 30 epochs: a sharp teacher while the student is still near its random start
 * keeps the centring from flattening the targets to uniform (DINO's collapse); a softer one later
 * passes on more of the teacher's ranking of the prototypes. With {@code warmupFraction} 0 the
 * temperature is {@code temperature} throughout.
 *
 * @param initial the temperature at the start of the fit (> 0)
 * @param temperature the temperature after the warm-up (> 0)
 * @param warmupFraction the fraction of the fit the warm-up takes, in [0, 1]
 */
public record TeacherTemperature(double initial, double temperature, double warmupFraction) implements Serializable {
    private static final long serialVersionUID = 1L;

    public TeacherTemperature {
        if (!(initial > 0) || Double.isInfinite(initial)) {
            throw new IllegalArgumentException("the initial teacher temperature must be > 0, got " + initial);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("teacherTemperature must be > 0, got " + temperature);
        }
        if (!(warmupFraction >= 0 && warmupFraction <= 1)) {
            throw new IllegalArgumentException(
                    "the teacher temperature's warm-up must be a fraction of the fit in [0, 1], got " + warmupFraction);
        }
    }

    /** {@code temperature} throughout the fit. */
    public static TeacherTemperature constant(double temperature) {
        return new TeacherTemperature(temperature, temperature, 0);
    }

    /** The temperature when {@code progress} (in [0, 1]) of the fit is done. */
    public double at(double progress) {
        double p = Math.min(1, Math.max(0, progress));
        if (p >= warmupFraction) {
            return temperature;
        }
        return initial + (temperature - initial) * p / warmupFraction;
    }
}
