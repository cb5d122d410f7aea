package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.nn.Param;

/**
 * SGD, optionally with momentum {@code b = μ·b + g} (PyTorch's form, no dampening) and Nesterov's
 * look-ahead {@code g + μ·b}: {@code w −= lr · update}.
 */
public final class Sgd extends Optimizer {
    private final float momentum;
    private final boolean nesterov;

    public Sgd(List<Param> params, double lr) {
        this(params, lr, 0, false);
    }

    public Sgd(List<Param> params, double lr, double momentum, boolean nesterov) {
        super(params, momentum > 0 ? 1 : 0, lr);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("nesterov needs a momentum > 0");
        }
        this.momentum = (float) momentum;
        this.nesterov = nesterov;
    }

    public float momentum() {
        return momentum;
    }

    public boolean nesterov() {
        return nesterov;
    }

    @Override
    protected void update(int index, float[] w, float[] g, int from, int to, float lr, long step) {
        if (momentum == 0) {
            for (int j = from; j < to; j++) {
                w[j] -= lr * g[j];
            }
            return;
        }
        float[] b = slot(0, index);
        for (int j = from; j < to; j++) {
            b[j] = momentum * b[j] + g[j];
            w[j] -= lr * (nesterov ? g[j] + momentum * b[j] : b[j]);
        }
    }

    @Override
    public String name() {
        return nesterov ? "nesterov" : momentum > 0 ? "momentum" : "sgd";
    }
}
