package org.sparkdl.core.kernels;

/** Size checks every {@link Kernels} implementation runs before it touches memory. */
public final class SizeChecks {
    private SizeChecks() {}

    public static void atLeast(String what, float[] array, long needed) {
        if (array == null) {
            throw new IllegalArgumentException(what + " is null; expected " + needed + " floats");
        }
        if (array.length < needed) {
            throw new IllegalArgumentException(
                    what + " holds " + array.length + " floats but " + needed + " are needed");
        }
    }

    public static void atLeast(String what, int[] array, long needed) {
        if (array == null || array.length < needed) {
            throw new IllegalArgumentException(
                    what + " holds " + (array == null ? 0 : array.length) + " indices but " + needed + " are needed");
        }
    }

    /** Checks a row-major GEMM's operands: A m×k (or k×m), B k×n (or n×k), C m×n, at their offsets. */
    public static void gemm(int m, int n, int k, float[] a, int aOff, float[] b, int bOff, float[] c, int cOff) {
        if (m < 0 || n < 0 || k < 0 || aOff < 0 || bOff < 0 || cOff < 0) {
            throw new IllegalArgumentException(
                    "gemm sizes and offsets must be non-negative: m=" + m + " n=" + n + " k=" + k);
        }
        atLeast("gemm A", a, aOff + (long) m * k);
        atLeast("gemm B", b, bOff + (long) k * n);
        atLeast("gemm C", c, cOff + (long) m * n);
    }

    public static void conv(ConvGeometry g, float[] x, float[] w, float[] y) {
        atLeast("convolution input", x, g.inputSize());
        atLeast("convolution weights", w, g.weightSize());
        atLeast("convolution output", y, g.outputSize());
    }

    /** The arrays of {@link Kernels#convBackward}; the nullable ones only when given. */
    public static void convBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] rectifiedY,
            float[] dy,
            float[] dw,
            float[] dbias,
            float[] dx) {
        atLeast("convolution input", x, g.inputSize());
        atLeast("convolution weights", w, g.weightSize());
        atLeast("convolution output gradient", dy, g.outputSize());
        atLeast("convolution weight gradient", dw, g.weightSize());
        if (rectifiedY != null) {
            atLeast("convolution rectified output", rectifiedY, g.outputSize());
        }
        if (dbias != null) {
            atLeast("convolution bias gradient", dbias, g.outChannels());
        }
        if (dx != null) {
            atLeast("convolution input gradient", dx, g.inputSize());
        }
    }
}
