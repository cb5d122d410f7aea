package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.nn.Param;

/** RMSProp: {@code v = α·v + (1−α)·g²; w −= lr · g / (√v + ε)}. */
public final class RmsProp extends Optimizer {
    private final float alpha;
    private final float eps;

    public RmsProp(List<Param> params, double lr, double alpha, double eps) {
        super(params, 1, lr);
        if (!(alpha >= 0 && alpha < 1)) {
            throw new IllegalArgumentException("rmsprop decay (alpha) must be in [0, 1), got " + alpha);
        }
        this.alpha = (float) alpha;
        this.eps = (float) nonNegative("eps", eps);
    }

    /** The decay of the squared-gradient average. */
    public float alpha() {
        return alpha;
    }

    public float eps() {
        return eps;
    }

    @Override
    protected void update(int index, float[] w, float[] g, int from, int to, float lr, long step) {
        float[] v = slot(0, index);
        for (int j = from; j < to; j++) {
            v[j] = alpha * v[j] + (1 - alpha) * g[j] * g[j];
            w[j] -= lr * g[j] / ((float) Math.sqrt(v[j]) + eps);
        }
    }

    @Override
    public String name() {
        return "rmsprop";
    }
}
