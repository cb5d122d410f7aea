package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Tensor;

/**
 * Softmax cross-entropy from logits, computed with the log-sum-exp shift so that large logits do
 * not overflow: {@code L = mean_i (logsumexp(z_i) − z_i[y_i])}, {@code dz = (softmax(z) − onehot)/N}.
 */
public final class SoftmaxCrossEntropy implements Loss {
    private Tensor grad;
    private int[] labels;

    @Override
    public float forward(Tensor logits, Tensor target) {
        labels = ClassLabels.check(logits, target, labels);
        int n = logits.dim(0);
        int k = logits.dim(1);
        if (grad == null || !grad.hasShape(n, k)) {
            grad = Tensor.zeros(n, k);
        }
        float[] z = logits.data();
        float[] g = grad.data();
        double total = 0;
        for (int i = 0; i < n; i++) {
            int base = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, z[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double e = Math.exp(z[base + j] - max);
                g[base + j] = (float) e;
                sum += e;
            }
            total += Math.log(sum) + max - z[base + labels[i]];
            for (int j = 0; j < k; j++) {
                g[base + j] = (float) (g[base + j] / sum / n);
            }
            g[base + labels[i]] -= 1f / n;
        }
        return (float) (total / n);
    }

    @Override
    public Tensor backward() {
        return grad;
    }

    @Override
    public String name() {
        return "cross_entropy";
    }

    /** Row-wise softmax of {@code logits} (N×K) into {@code out}. */
    public static void softmax(float[] logits, int n, int k, float[] out) {
        for (int i = 0; i < n; i++) {
            int base = i * k;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, logits[base + j]);
            }
            double sum = 0;
            for (int j = 0; j < k; j++) {
                double e = Math.exp(logits[base + j] - max);
                out[base + j] = (float) e;
                sum += e;
            }
            for (int j = 0; j < k; j++) {
                out[base + j] = (float) (out[base + j] / sum);
            }
        }
    }
}
