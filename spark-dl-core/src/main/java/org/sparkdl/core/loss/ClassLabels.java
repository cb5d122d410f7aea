package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** Checks of class-index targets shared by the classification losses. */
public final class ClassLabels {
    private ClassLabels() {}

    /** Returns the labels as ints after checking that each is an integer in [0, classes). */
    static int[] check(Tensor output, Tensor target, int[] into) {
        if (output.rank() != 2) {
            throw new IllegalArgumentException(
                    "classification loss expects N x classes outputs, got " + Shapes.describe(output.shape()));
        }
        int n = output.dim(0);
        int classes = output.dim(1);
        if (target.size() != n) {
            throw new IllegalArgumentException("expected " + n + " labels (one per row), got " + target.size());
        }
        int[] labels = into != null && into.length == n ? into : new int[n];
        check(target.data(), n, classes);
        float[] t = target.data();
        for (int i = 0; i < n; i++) {
            labels[i] = (int) t[i];
        }
        return labels;
    }

    /** Checks that each of the first {@code n} targets is an integer in [0, classes). */
    public static void check(float[] t, int n, int classes) {
        for (int i = 0; i < n; i++) {
            float v = t[i];
            if (!(v >= 0 && v < classes) || v != Math.rint(v)) {
                throw new IllegalArgumentException("label " + v + " at row " + i
                        + " is not a class index: expected an integer in [0, " + classes + ")");
            }
        }
    }
}
