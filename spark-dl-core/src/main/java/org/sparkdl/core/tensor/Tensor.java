package org.sparkdl.core.tensor;

import java.util.Arrays;

/**
 * A dense float tensor: one {@code float[]} plus a shape, row-major. Images are NCHW, sequences
 * N×T×F (batch, time, features).
 *
 * <p>There are no hidden copies: {@link #reshape} returns a view over the same array, and the
 * array is exposed through {@link #data()} so that kernels can work on it in place.
 *
 * <p>A batch of sequences may carry per-sample lengths ({@link #withLengths}): sample {@code n}
 * has {@code lengths()[n]} valid steps along dimension 1, the steps after them are padding. The
 * lengths travel with the tensor rather than beside it so that {@code Layer.forward} keeps one
 * argument; a layer that keeps the time axis passes them on, and {@link #reshape} drops them (a
 * new shape need not have that time axis).
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;
    /** Valid steps per sample along dimension 1, or null: every step is valid. */
    private final int[] lengths;

    private Tensor(float[] data, int[] shape) {
        this(data, shape, null);
    }

    private Tensor(float[] data, int[] shape, int[] lengths) {
        this.data = data;
        this.shape = shape;
        this.lengths = lengths;
    }

    /** Wraps {@code data} (no copy) with the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.clone();
        long n = numel(s);
        if (n != data.length) {
            throw new IllegalArgumentException(
                    "shape " + Shapes.describe(s) + " holds " + n + " values but the array has " + data.length);
        }
        return new Tensor(data, s);
    }

    public static Tensor zeros(int... shape) {
        long n = numel(shape);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + Shapes.describe(shape) + " is too large");
        }
        return new Tensor(new float[(int) n], shape.clone());
    }

    /** Number of elements of a shape; every dimension must be positive. */
    public static long numel(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d <= 0) {
                throw new IllegalArgumentException("shape " + Shapes.describe(shape) + " has a non-positive dimension");
            }
            n *= d;
        }
        return n;
    }

    public float[] data() {
        return data;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int i) {
        return shape[i];
    }

    public int size() {
        return data.length;
    }

    /** Size of one sample: the product of every dimension but the first (the batch). */
    public int sampleSize() {
        return data.length / shape[0];
    }

    /** A view with another shape over the same data, without {@link #lengths()}. */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    /** A copy of the data, with the same shape and lengths. */
    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone(), lengths);
    }

    /**
     * A view over the same data that carries per-sample sequence lengths: sample {@code n} has
     * {@code lengths[n]} valid steps along dimension 1 (the time axis of N×T×... or N×T token ids),
     * {@code 1 ≤ lengths[n] ≤ T}; steps from {@code lengths[n]} on are padding. Null removes them.
     */
    public Tensor withLengths(int[] lengths) {
        if (lengths == null) {
            return new Tensor(data, shape, null);
        }
        if (shape.length < 2) {
            throw new IllegalArgumentException("sequence lengths need a time axis, but the tensor is " + this);
        }
        if (lengths.length != shape[0]) {
            throw new IllegalArgumentException(
                    lengths.length + " sequence lengths for a batch of " + shape[0] + " (" + this + ")");
        }
        for (int n = 0; n < lengths.length; n++) {
            if (lengths[n] < 1 || lengths[n] > shape[1]) {
                throw new IllegalArgumentException("sample " + n + " has length " + lengths[n]
                        + "; lengths must be in [1, " + shape[1] + "] for " + this);
            }
        }
        return new Tensor(data, shape, lengths.clone());
    }

    /**
     * The per-sample sequence lengths of {@link #withLengths}, or null when every step is valid.
     * The array is the tensor's own: read it, do not change it.
     */
    public int[] lengths() {
        return lengths;
    }

    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.describe(shape) + (lengths != null ? " with lengths" : "");
    }
}
