package org.sparkdl.core.nn;

import java.util.List;
import org.sparkdl.core.tensor.Tensor;

/**
 * One layer: a forward pass and the backward pass of the chain rule.
 *
 * <p>{@code forward} keeps what {@code backward} needs; {@code backward} takes dLoss/dOutput,
 * <b>adds</b> dLoss/dParam into each {@link Param#grad()} and returns dLoss/dInput. A layer
 * instance belongs to one thread (one model replica).
 */
public interface Layer {
    /** @param x a batch, first dimension N */
    Tensor forward(Tensor x, boolean training);

    /** @param gradOut dLoss/dOutput, shaped like the last forward's output */
    Tensor backward(Tensor gradOut);

    /** The per-sample output shape for a per-sample input shape; throws if the input does not fit. */
    int[] outputShape(int[] inputShape);

    /** Trainable parameters, in a fixed order. */
    default List<Param> params() {
        return List.of();
    }

    /** Non-trainable state that is part of the model (BatchNorm running statistics). */
    default List<Tensor> buffers() {
        return List.of();
    }

    /** Names of {@link #buffers()}, in order. */
    default List<String> bufferNames() {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < buffers().size(); i++) {
            names.add("buffer" + i);
        }
        return names;
    }

    /**
     * Whether {@link #backward} must return dLoss/dInput (the default). A model whose input is data
     * tells its first layer no, so a layer for which that gradient is extra work ({@link Dense},
     * {@link Conv2d}) skips it and returns null; every other layer of a model is told yes. Layers
     * whose input gradient costs nothing extra ignore this.
     */
    default void setInputGradient(boolean needed) {}

    /**
     * The spec layers this layer computes, in order: itself, or for a fused layer ({@link
     * ConvBlock}) the layers it stands for. A model takes its spec string and the names of its
     * state from these, so fusing layers changes neither.
     */
    default List<Layer> parts() {
        return List.of(this);
    }

    /** Multiply-adds per sample of one forward pass, for FLOP accounting. */
    default long forwardMacs(int[] inputShape) {
        return 0;
    }

    /**
     * The spec token that builds this layer, e.g. {@code conv(32,5,pad=2)}; a fused layer joins
     * its parts' tokens with '+'.
     */
    String describe();
}
