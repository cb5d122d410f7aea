package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Two models run one after the other, such as an encoder and a head built separately: {@code y =
 * second(first(x))}.
 *
 * <p>Why not just call one and then the other: the second model's input is not data, so its first
 * layer must compute the input gradient it would otherwise skip, or the first model would get no
 * gradient. The chain asks for it ({@link Sequential#setInputGradient}), and a layer that still
 * returns none fails in {@link Sequential#backward}.
 *
 * <p>Parameters, buffers and the flat state are the first model's, then the second's, so each
 * part's state is a slice of the chain's (load a trained encoder with {@code first().loadState}).
 */
public final class Chain implements Layer {
    private final Sequential first;
    private final Sequential second;

    /** @throws ShapeException when {@code second} does not take what {@code first} puts out */
    public Chain(Sequential first, Sequential second) {
        if (!Arrays.equals(first.outputShape(), second.inputShape())) {
            throw new ShapeException("the second model takes " + Shapes.describe(second.inputShape())
                    + " per sample but the first puts out " + Shapes.describe(first.outputShape()));
        }
        this.first = first;
        this.second = second;
        second.setInputGradient(true);
    }

    public Sequential first() {
        return first;
    }

    public Sequential second() {
        return second;
    }

    /** Whether backward returns dLoss/dInput; as {@link Sequential#setInputGradient}, of the first model. */
    @Override
    public void setInputGradient(boolean needed) {
        first.setInputGradient(needed);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return second.forward(first.forward(x, training), training);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        return first.backward(second.backward(gradOut));
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return Layers.outputShape(List.of(first, second), inputShape);
    }

    @Override
    public List<Param> params() {
        return concat(first.params(), second.params());
    }

    @Override
    public List<Tensor> buffers() {
        return concat(first.buffers(), second.buffers());
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return Layers.forwardMacs(List.of(first, second), inputShape);
    }

    public void zeroGrad() {
        first.zeroGrad();
        second.zeroGrad();
    }

    /** Floats in {@link #copyStateTo}: the first model's state, then the second's. */
    public int stateSize() {
        return Math.addExact(first.stateSize(), second.stateSize());
    }

    public float[] state() {
        float[] s = new float[stateSize()];
        copyStateTo(s);
        return s;
    }

    public void copyStateTo(float[] dst) {
        first.copyStateTo(dst, 0);
        second.copyStateTo(dst, first.stateSize());
    }

    public void loadState(float[] src) {
        if (src.length != stateSize()) {
            throw new IllegalArgumentException(
                    "chain state has " + src.length + " values but this chain needs " + stateSize());
        }
        first.loadState(src, 0);
        second.loadState(src, first.stateSize());
    }

    /** Both specs, marked apart: a chain is two models, not one spec. */
    @Override
    public String describe() {
        return "[" + first.describe() + "] -> [" + second.describe() + "]";
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
