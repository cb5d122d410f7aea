package org.sparkdl.core.tensor;

import java.util.Arrays;

/**
 * A dense float tensor: one {@code float[]} plus a shape, row-major. Images are NCHW.
 *
 * <p>There are no hidden copies: {@link #reshape} returns a view over the same array, and the
 * array is exposed through {@link #data()} so that kernels can work on it in place.
 */
public final class Tensor {
    private final float[] data;
    private final int[] shape;

    private Tensor(float[] data, int[] shape) {
        this.data = data;
        this.shape = shape;
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

    /** A view with another shape over the same data. */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    public Tensor copy() {
        return new Tensor(data.clone(), shape.clone());
    }

    public boolean hasShape(int... s) {
        return Arrays.equals(shape, s);
    }

    @Override
    public String toString() {
        return "Tensor" + Shapes.describe(shape);
    }
}
