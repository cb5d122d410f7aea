package org.sparkdl.core.train;

/**
 * IEEE 754 half-precision (binary16) conversions, which Java 17 lacks ({@code
 * Float.floatToFloat16} arrived in Java 20). Encoding rounds to nearest, ties to even, as a GPU or
 * PyTorch's {@code .half()} does; decoding is exact and goes through a 64 K-entry table, because
 * it runs once per value of every mini-batch.
 */
public final class Half {
    private static final float[] DECODED = new float[1 << 16];

    static {
        for (int h = 0; h < DECODED.length; h++) {
            DECODED[h] = decode((short) h);
        }
    }

    private Half() {}

    /** The float that half {@code h} stands for. */
    public static float toFloat(short h) {
        return DECODED[h & 0xFFFF];
    }

    /** The nearest half to {@code f} (ties to even); beyond ±65504 it is ±infinity, NaN stays NaN. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xFF;
        int mant = bits & 0x7FFFFF;
        if (exp == 0xFF) { // infinity or NaN (a quiet NaN keeps a payload bit)
            return (short) (sign | 0x7C00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
        }
        int e = exp - 127 + 15; // the half's biased exponent
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00);
        }
        if (e <= 0) { // a subnormal half, or zero
            if (e < -10) {
                return (short) sign;
            }
            int m = mant | 0x800000; // the implicit bit
            int shift = 14 - e; // 24-bit significand down to the subnormal's 10 bits
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int midpoint = 1 << (shift - 1);
            if (rest > midpoint || (rest == midpoint && (half & 1) != 0)) {
                half++;
            }
            return (short) (sign | half);
        }
        int half = (e << 10) | (mant >>> 13);
        int rest = mant & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) {
            half++; // may carry into the exponent, up to infinity: both are right
        }
        return (short) (sign | half);
    }

    private static float decode(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1F;
        int mant = h & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) { // zero or subnormal: mant × 2^-24
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
