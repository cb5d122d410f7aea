package org.sparkdl.core.tensor;

import java.util.Arrays;

/** Small helpers for shapes given as {@code int[]}. */
public final class Shapes {
    private Shapes() {}

    /** {@code [1, 28, 28]} becomes {@code "1x28x28"}. */
    public static String describe(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append('x');
            }
            sb.append(shape[i]);
        }
        return sb.toString();
    }

    /** Product of the dimensions. */
    public static int size(int[] shape) {
        return Math.toIntExact(Tensor.numel(shape));
    }

    /** A batch shape: {@code n} in front of a per-sample shape. */
    public static int[] withBatch(int n, int[] sampleShape) {
        int[] s = new int[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    /** The per-sample shape: every dimension but the first. */
    public static int[] sampleShape(int[] batchShape) {
        return Arrays.copyOfRange(batchShape, 1, batchShape.length);
    }

    /** Parses {@code "1,28,28"} (also {@code "1x28x28"}); every dimension must be a positive integer. */
    /** The shape as {@link #parse} reads it, e.g. {@code 1,28,28}. */
    public static String join(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int d : shape) {
            sb.append(sb.length() == 0 ? "" : ",").append(d);
        }
        return sb.toString();
    }

    public static int[] parse(String text) {
        String[] parts = text.trim().split("\\s*[,x]\\s*");
        int[] s = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                s[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "shape '" + text + "': expected positive integers separated by commas, got '" + parts[i] + "'");
            }
            if (s[i] <= 0) {
                throw new IllegalArgumentException(
                        "shape '" + text + "': every dimension must be positive, got " + s[i]);
            }
        }
        return s;
    }
}
