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

    /** Multiply-adds per sample of one forward pass, for FLOP accounting. */
    default long forwardMacs(int[] inputShape) {
        return 0;
    }

    /** The spec token that builds this layer, e.g. {@code conv(32,5,pad=2)}. */
    String describe();
}
