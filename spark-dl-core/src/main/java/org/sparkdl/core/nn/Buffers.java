package org.sparkdl.core.nn;

import java.util.Arrays;
import org.sparkdl.core.tensor.Tensor;

/**
 * Reuse of per-layer output buffers: a training step at a fixed batch size allocates nothing.
 * A tensor a layer returns is therefore overwritten by that layer's next call.
 */
final class Buffers {
    private Buffers() {}

    /** {@code cached} when it already has {@code shape}, otherwise a new zero tensor. */
    static Tensor reuse(Tensor cached, int... shape) {
        if (cached != null && Arrays.equals(cached.shape(), shape)) {
            return cached;
        }
        return Tensor.zeros(shape);
    }

    static float[] reuse(float[] cached, long size) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer of " + size + " floats is too large; use a smaller batch");
        }
        return cached != null && cached.length >= size ? cached : new float[(int) size];
    }
}
