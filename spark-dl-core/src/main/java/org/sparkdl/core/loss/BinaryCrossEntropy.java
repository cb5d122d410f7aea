package org.sparkdl.core.loss;

import org.sparkdl.core.nn.Activation;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Binary cross-entropy from logits, averaged over every element (PyTorch's
 * {@code BCEWithLogitsLoss}): {@code max(z,0) − z·t + log(1 + e^{−|z|})}, stable for any z.
 */
public final class BinaryCrossEntropy implements Loss {
    private Tensor grad;

    @Override
    public float forward(Tensor logits, Tensor target) {
        if (target.size() != logits.size()) {
            throw new IllegalArgumentException("binary cross-entropy needs one target per output: outputs "
                    + Shapes.describe(logits.shape()) + ", targets " + Shapes.describe(target.shape()));
        }
        if (grad == null || !grad.hasShape(logits.shape())) {
            grad = Tensor.zeros(logits.shape());
        }
        float[] z = logits.data();
        float[] t = target.data();
        float[] g = grad.data();
        int m = z.length;
        double total = 0;
        for (int i = 0; i < m; i++) {
            if (!(t[i] >= 0f && t[i] <= 1f)) {
                throw new IllegalArgumentException(
                        "binary cross-entropy target " + t[i] + " at " + i + " is outside [0, 1]");
            }
            total += Math.max(z[i], 0f) - z[i] * t[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
            g[i] = (Activation.sigmoid(z[i]) - t[i]) / m;
        }
        return (float) (total / m);
    }

    @Override
    public Tensor backward() {
        return grad;
    }

    @Override
    public String name() {
        return "bce";
    }
}
