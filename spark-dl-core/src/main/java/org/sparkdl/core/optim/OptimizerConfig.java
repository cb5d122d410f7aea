package org.sparkdl.core.optim;

import java.util.List;
import java.util.Locale;
import org.sparkdl.core.nn.Param;

/**
 * An optimizer by name with its hyper-parameters, as a stage's params hold them.
 *
 * @param name sgd, momentum, nesterov, adagrad, rmsprop, adam or adamw
 * @param momentum for momentum/nesterov; also RMSProp's α when given there
 * @param weightDecay AdamW's decoupled decay (for the others use {@code l2})
 */
public record OptimizerConfig(
        String name,
        double learningRate,
        double momentum,
        double beta1,
        double beta2,
        double eps,
        double weightDecay,
        double l1,
        double l2)
        implements java.io.Serializable {

    public static final List<String> NAMES =
            List.of("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw");

    /** Defaults: momentum 0.9, betas 0.9/0.999, eps 1e-8, no decay or penalties. */
    public static OptimizerConfig of(String name, double learningRate) {
        return new OptimizerConfig(name, learningRate, 0.9, 0.9, 0.999, 1e-8, 0, 0, 0);
    }

    public OptimizerConfig withWeightDecay(double wd) {
        return new OptimizerConfig(name, learningRate, momentum, beta1, beta2, eps, wd, l1, l2);
    }

    public OptimizerConfig withPenalties(double newL1, double newL2) {
        return new OptimizerConfig(name, learningRate, momentum, beta1, beta2, eps, weightDecay, newL1, newL2);
    }

    public OptimizerConfig withMomentum(double m) {
        return new OptimizerConfig(name, learningRate, m, beta1, beta2, eps, weightDecay, l1, l2);
    }

    public Optimizer create(List<Param> params) {
        Optimizer o;
        switch (name.toLowerCase(Locale.ROOT)) {
            case "sgd":
                o = new Sgd(params, learningRate);
                break;
            case "momentum":
                o = new Sgd(params, learningRate, momentum, false);
                break;
            case "nesterov":
                o = new Sgd(params, learningRate, momentum, true);
                break;
            case "adagrad":
                o = new AdaGrad(params, learningRate, 1e-10);
                break;
            case "rmsprop":
                o = new RmsProp(params, learningRate, 0.99, eps);
                break;
            case "adam":
                o = new Adam(params, learningRate, beta1, beta2, eps, 0);
                break;
            case "adamw":
                o = new Adam(params, learningRate, beta1, beta2, eps, weightDecay);
                break;
            default:
                throw new IllegalArgumentException("unknown optimizer '" + name + "'; expected one of " + NAMES);
        }
        if (weightDecay != 0 && !name.equalsIgnoreCase("adamw")) {
            throw new IllegalArgumentException(
                    "weightDecay is AdamW's decoupled decay; for " + name + " use the l2 penalty instead");
        }
        o.setL1(l1).setL2(l2);
        return o;
    }
}
