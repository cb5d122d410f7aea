package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Tensor;

/**
 * The multiclass SVM loss with margin 1 (Weston–Watkins, as in CS231n):
 * {@code L = mean_i Σ_{j≠y_i} max(0, s_j − s_{y_i} + 1)}. PyTorch's {@code MultiMarginLoss} is the
 * same divided by the number of classes.
 */
public final class MulticlassHinge implements Loss {
    private Tensor grad;
    private int[] labels;

    @Override
    public float forward(Tensor scores, Tensor target) {
        labels = ClassLabels.check(scores, target, labels);
        int n = scores.dim(0);
        int k = scores.dim(1);
        if (grad == null || !grad.hasShape(n, k)) {
            grad = Tensor.zeros(n, k);
        }
        float[] s = scores.data();
        float[] g = grad.data();
        java.util.Arrays.fill(g, 0f);
        double total = 0;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            float correct = s[base + labels[i]];
            for (int j = 0; j < k; j++) {
                if (j == labels[i]) {
                    continue;
                }
                float margin = s[base + j] - correct + 1f;
                if (margin > 0) {
                    total += margin;
                    g[base + j] += 1f / n;
                    g[base + labels[i]] -= 1f / n;
                }
            }
        }
        return (float) (total / n);
    }

    @Override
    public Tensor backward() {
        return grad;
    }

    @Override
    public String name() {
        return "hinge";
    }
}
