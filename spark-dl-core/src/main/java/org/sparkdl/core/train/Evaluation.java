package org.sparkdl.core.train;

import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** Inference helpers: predicted classes and accuracy over arrays of samples, in batches. */
public final class Evaluation {
    private Evaluation() {}

    /** Rows of {@code logits} (N×K) whose arg-max equals the label. */
    public static int correct(Tensor logits, float[] labels) {
        int n = logits.dim(0);
        int k = logits.sampleSize();
        float[] z = logits.data();
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (argmax(z, i * k, k) == (int) labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** Index of the largest of {@code z[offset .. offset+k)}, relative to offset. */
    public static int argmax(float[] z, int offset, int k) {
        int best = 0;
        for (int j = 1; j < k; j++) {
            if (z[offset + j] > z[offset + best]) {
                best = j;
            }
        }
        return best;
    }

    /** Arg-max class of each of the {@code n} samples in {@code features} (n × sample size). */
    public static int[] predict(Sequential model, float[] features, int n, int batchSize) {
        int per = Shapes.size(model.inputShape());
        int[] out = new int[n];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            float[] chunk = java.util.Arrays.copyOfRange(features, start * per, (start + b) * per);
            Tensor logits = model.forward(Tensor.of(chunk, Shapes.withBatch(b, model.inputShape())), false);
            int k = logits.sampleSize();
            for (int i = 0; i < b; i++) {
                out[start + i] = argmax(logits.data(), i * k, k);
            }
        }
        return out;
    }

    public static double accuracy(Sequential model, float[] features, int[] labels, int batchSize) {
        int[] p = predict(model, features, labels.length, batchSize);
        int correct = 0;
        for (int i = 0; i < p.length; i++) {
            if (p[i] == labels[i]) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }
}
