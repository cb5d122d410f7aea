package org.sparkdl.core.nn;

import org.sparkdl.core.tensor.Tensor;

/** A trainable parameter: its value and the gradient that backward passes accumulate into. */
public final class Param {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decayed;

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
        return grad;
    }

    public float[] data() {
        return value.data();
    }

    public float[] gradData() {
        return grad.data();
    }

    public int size() {
        return value.size();
    }

    public boolean decayed() {
        return decayed;
    }

    public void zeroGrad() {
        java.util.Arrays.fill(grad.data(), 0f);
    }
}
