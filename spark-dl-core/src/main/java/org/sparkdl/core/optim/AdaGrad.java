package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.nn.Param;

/** AdaGrad: {@code s += g²; w −= lr · g / (√s + ε)}. */
public final class AdaGrad extends Optimizer {
    private final float eps;

    public AdaGrad(List<Param> params, double lr, double eps) {
        super(params, 1, lr);
        this.eps = (float) nonNegative("eps", eps);
    }

    public float eps() {
        return eps;
    }

    @Override
    protected void update(int index, float[] w, float[] g, int from, int to, float lr, long step) {
        float[] s = slot(0, index);
        for (int j = from; j < to; j++) {
            s[j] += g[j] * g[j];
            w[j] -= lr * g[j] / ((float) Math.sqrt(s[j]) + eps);
        }
    }

    @Override
    public String name() {
        return "adagrad";
    }
}
