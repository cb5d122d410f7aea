package org.sparkdl.core.ssl;

import java.util.Arrays;
import java.util.Locale;

/**
 * The momentum of a moving average (MoCo's key encoder, DINO's teacher) over a fit, as a function
 * of how far the fit is (the fraction p of its rounds done): held at the configured value, or raised towards 1 along a
 * half cosine, as DINO (and BYOL before it) do, so that the follower moves less and less as
 * training ends: {@code m(p) = 1 − (1 − m₀)·(1 + cos(π·p))/2}.
 */
public enum MomentumSchedule {
    /** {@code m₀} throughout. */
    CONSTANT("constant"),
    /** From {@code m₀} at the first epoch towards 1 at the end of the fit. */
    COSINE("cosine");

    private final String token;

    MomentumSchedule(String token) {
        this.token = token;
    }

    /** The name a user writes: constant, cosine. */
    public String token() {
        return token;
    }

    /** The momentum when {@code progress} (in [0, 1]) of the fit is done, from {@code base}. */
    public double at(double base, double progress) {
        if (this == CONSTANT) {
            return base;
        }
        double p = Math.min(1, Math.max(0, progress));
        return 1 - (1 - base) * (1 + Math.cos(Math.PI * p)) / 2;
    }

    public static MomentumSchedule parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (MomentumSchedule s : values()) {
            if (s.token.equals(n)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown momentum schedule '" + name + "'; expected one of "
                + Arrays.stream(values()).map(MomentumSchedule::token).toList());
    }
}
