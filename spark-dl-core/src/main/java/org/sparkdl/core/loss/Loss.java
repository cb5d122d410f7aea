package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Tensor;

/**
 * A loss on a batch of model outputs, averaged over the batch. {@code backward} returns
 * dLoss/dOutput for the last {@code forward}.
 */
public interface Loss {
    /**
     * @param output model outputs N×K (logits)
     * @param target for classification losses, N class indices stored as floats; for binary
     *     cross-entropy, targets in [0, 1] shaped like the output
     */
    float forward(Tensor output, Tensor target);

    Tensor backward();

    String name();

    /** Parses {@code cross_entropy}, {@code hinge} or {@code bce}. */
    static Loss parse(String name) {
        switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "cross_entropy":
            case "crossentropy":
            case "softmax":
                return new SoftmaxCrossEntropy();
            case "hinge":
            case "svm":
            case "multiclass_hinge":
                return new MulticlassHinge();
            case "bce":
            case "binary_cross_entropy":
                return new BinaryCrossEntropy();
            default:
                throw new IllegalArgumentException("unknown loss '" + name + "'; expected cross_entropy, hinge or bce");
        }
    }
}
