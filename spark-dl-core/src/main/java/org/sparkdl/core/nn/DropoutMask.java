package org.sparkdl.core.nn;

/**
 * Dropout's draws: a counter-based generator, so that element i of a mask depends only on the
 * mask's key and i. A device computes any element on its own, in any order, and gets the CPU's
 * mask bit for bit (the OpenCL kernels repeat this code; 32-bit integer arithmetic wraps the same
 * there). The key of each mask comes from the layer's seeded sequence.
 */
public final class DropoutMask {
    private DropoutMask() {}

    /** A uniform float in [0, 1) on a 2⁻²⁴ grid for element {@code i} of the mask with {@code key}. */
    public static float uniform(long key, int i) {
        int lo = (int) key;
        int hi = (int) (key >>> 32);
        int h = mix(lo ^ mix(hi + i * 0x9E3779B9));
        return (h >>> 8) * 0x1p-24f;
    }

    /** Murmur3's 32-bit finaliser: every input bit reaches every output bit. */
    private static int mix(int v) {
        int h = v;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
