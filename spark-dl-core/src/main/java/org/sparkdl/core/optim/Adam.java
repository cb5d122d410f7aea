package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.nn.Param;

/**
 * Adam with bias correction; with a decoupled weight decay it is AdamW (the decay
 * {@code w −= lr·λ·w} is applied to decayed parameters before the Adam step, not to the gradient).
 */
public final class Adam extends Optimizer {
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final float decoupledDecay;

    public Adam(List<Param> params, double lr) {
        this(params, lr, 0.9, 0.999, 1e-8, 0);
    }

    public Adam(List<Param> params, double lr, double beta1, double beta2, double eps, double decoupledDecay) {
        super(params, 2, lr);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = (float) beta1;
        this.beta2 = (float) beta2;
        this.eps = (float) nonNegative("eps", eps);
        this.decoupledDecay = (float) nonNegative("weight decay", decoupledDecay);
        this.decayed = params.stream().map(Param::decayed).toList();
    }

    private final List<Boolean> decayed;

    public float beta1() {
        return beta1;
    }

    public float beta2() {
        return beta2;
    }

    public float eps() {
        return eps;
    }

    /** The decoupled (AdamW) weight decay λ; 0 for plain Adam. */
    public float decoupledDecay() {
        return decoupledDecay;
    }

    @Override
    protected void update(int index, float[] w, float[] g, int from, int to, float lr, long step) {
        float[] m = slot(0, index);
        float[] v = slot(1, index);
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        float stepSize = (float) (lr / bc1);
        float sqrtBc2 = (float) Math.sqrt(bc2);
        float decay = decoupledDecay != 0 && decayed.get(index) ? 1 - lr * decoupledDecay : 1f;
        for (int j = from; j < to; j++) {
            m[j] = beta1 * m[j] + (1 - beta1) * g[j];
            v[j] = beta2 * v[j] + (1 - beta2) * g[j] * g[j];
            w[j] = w[j] * decay - stepSize * m[j] / ((float) Math.sqrt(v[j]) / sqrtBc2 + eps);
        }
    }

    @Override
    public String name() {
        return decoupledDecay != 0 ? "adamw" : "adam";
    }
}
