package org.sparkdl.core.nn;

import java.util.Arrays;
import org.sparkdl.core.tensor.Tensor;

/**
 * The padding of a batch of sequences N×T×width whose samples carry lengths ({@link
 * Tensor#lengths()}): the one place that says which steps are valid, so every sequence layer reads
 * the lengths the same way.
 */
final class Sequences {
    private Sequences() {}

    /** Valid steps of sample {@code n}: its length, or all {@code steps} when there are none. */
    static int length(int[] lengths, int n, int steps) {
        return lengths == null ? steps : lengths[n];
    }

    /** The longest length, or {@code steps} when there are none: the steps a time loop must run. */
    static int longest(int[] lengths, int steps) {
        if (lengths == null) {
            return steps;
        }
        int max = 0;
        for (int len : lengths) {
            max = Math.max(max, len);
        }
        return max;
    }

    /** Sets the padded rows {@code t ≥ length(n)} of {@code a[N, T, width]} to zero. */
    static void zeroPadding(float[] a, int n, int steps, int width, int[] lengths) {
        if (lengths == null) {
            return;
        }
        for (int i = 0; i < n; i++) {
            Arrays.fill(a, (i * steps + lengths[i]) * width, (i + 1) * steps * width, 0f);
        }
    }

    /** {@code y} with the lengths of {@code x}, when x has lengths: y keeps x's time axis. */
    static Tensor keepLengths(Tensor x, Tensor y) {
        return x.lengths() == null ? y : y.withLengths(x.lengths());
    }
}
