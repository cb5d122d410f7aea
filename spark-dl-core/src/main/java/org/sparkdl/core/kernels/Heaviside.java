package org.sparkdl.core.kernels;

/** The unit step that ReLU-style gradients are masked with, in a form the JIT vectorises. */
public final class Heaviside {
    private Heaviside() {}

    /**
     * 1 where {@code x > 0}, 0 where {@code x ≤ 0} (NaN gives NaN), in float arithmetic only:
     * {@code max(x, 0)·2¹²⁷·2¹²⁷} is at least 2¹⁰⁵ for the smallest positive float and 0 for the
     * rest, and the min caps it at 1. A branch mispredicts on ReLU's random sign pattern, and the
     * bit-mask form (float↔int moves) does not vectorise on Java 17: both ran 6× slower than this.
     * So {@code g · step(x)} is g or ±0, except that an infinite or NaN g stays NaN where masked.
     */
    public static float step(float x) {
        return Math.min(Math.max(x, 0f) * 0x1p127f * 0x1p127f, 1f);
    }

    /**
     * {@code g} where {@code x > 0}, else +0 (a NaN x with a clear sign bit passes g), with integer
     * masks: for loops the JIT cannot vectorise anyway (a store at another offset than the loads,
     * as when dy is copied to channel-major order), where this is 2.5× faster than {@code g ·
     * step(x)} in scalar code.
     */
    public static float pass(float g, float x) {
        int bits = Float.floatToRawIntBits(x);
        int positive = (-bits >> 31) & ~(bits >> 31); // all ones exactly when bits > 0, i.e. x > 0
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & positive);
    }
}
