package org.sparkdl.core.nn;

import org.sparkdl.core.tensor.Tensor;

/**
 * A trainable parameter: its value and the gradient that backward passes accumulate into.
 *
 * <p>{@link #zeroGrad()} only marks the gradient zero; it is cleared when first read or added to
 * ({@link #grad()}, {@link #gradData()}), unless a layer writes all of it first ({@link
 * #accumulationBeta()}). CNN-S's {@code dense(256)} weight gradient (803k floats) was cleared by the
 * calling thread before every step while the workers waited (about 80 µs of the 858k parameters'
 * 84, measured out of cache), then read again by its GEMM as β = 1.
 */
public final class Param {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decayed;
    /** The gradient is zero, whatever its array holds. */
    private boolean gradZero;

    /**
     * @param decayed whether weight decay and L1/L2 penalties apply (true for weights, false for
     *     biases and normalisation offsets/scales, as is usual)
     */
    public Param(String name, Tensor value, boolean decayed) {
        this.name = name;
        this.value = value;
        this.grad = Tensor.zeros(value.shape());
        this.decayed = decayed;
    }

    public String name() {
        return name;
    }

    public Tensor value() {
        return value;
    }

    public Tensor grad() {
        clearIfZero();
        return grad;
    }

    public float[] data() {
        return value.data();
    }

    /** The gradient's array, to read or add to. */
    public float[] gradData() {
        clearIfZero();
        return grad.data();
    }

    /**
     * For a layer about to add its gradient to all of {@link #gradArray()} through a GEMM's β: 0
     * where the gradient is zero since {@link #zeroGrad()} (the array's old contents are ignored),
     * else 1. Either way the gradient counts as written from here on.
     */
    public float accumulationBeta() {
        float beta = gradZero ? 0f : 1f;
        gradZero = false;
        return beta;
    }

    /** The gradient's array as it is, for the write that {@link #accumulationBeta()} announced. */
    public float[] gradArray() {
        return grad.data();
    }

    public int size() {
        return value.size();
    }

    public boolean decayed() {
        return decayed;
    }

    public void zeroGrad() {
        gradZero = true;
    }

    private void clearIfZero() {
        if (gradZero) {
            java.util.Arrays.fill(grad.data(), 0f);
            gradZero = false;
        }
    }
}
