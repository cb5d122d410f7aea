package org.sparkdl.core.kernels;

/** Branch-free sign masks for ReLU-style gradients. */
public final class SignMask {
    private SignMask() {}

    /**
     * All ones where {@code x > 0}, else zero, without a branch: ReLU's sign pattern is random, and a
     * mispredicted branch per element made these loops 10× slower than the memory allows. NaN counts
     * as positive (canonical NaN's bits are a positive int), so a NaN's gradient still flows.
     */
    public static int positive(float x) {
        int bits = Float.floatToRawIntBits(x);
        return (-bits >> 31) & ~(bits >> 31); // bits > 0 exactly when x > 0 (−0.0 and +0.0 give 0)
    }

    /** {@code g} where {@code x > 0}, else +0. */
    public static float passWherePositive(float g, float x) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(g) & positive(x));
    }
}
