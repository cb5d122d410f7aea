package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.optim.OptimizerConfig;

/**
 * The params of the optimizer and its hyper-parameters, penalties and gradient clipping, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class OptimizerParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> optimizer;
    final DoubleParam learningRate;
    final DoubleParam momentum;
    final DoubleParam beta1;
    final DoubleParam beta2;
    final DoubleParam weightDecay;
    final DoubleParam l1;
    final DoubleParam l2;
    final DoubleParam gradientClipNorm;

    OptimizerParams(Params p) {
        optimizer = new Param<>(
                p, "optimizer", "optimizer: one of " + OptimizerConfig.NAMES, Validators.oneOf(OptimizerConfig.NAMES));
        learningRate = new DoubleParam(p, "learningRate", "base learning rate (> 0)", Validators.doubleAbove(0));
        momentum = new DoubleParam(
                p,
                "momentum",
                "momentum of the momentum and nesterov optimizers, in [0, 1)",
                Validators.doubles(v -> v >= 0 && v < 1));
        beta1 = new DoubleParam(
                p, "beta1", "Adam's first-moment decay, in [0, 1)", Validators.doubles(v -> v >= 0 && v < 1));
        beta2 = new DoubleParam(
                p, "beta2", "Adam's second-moment decay, in [0, 1)", Validators.doubles(v -> v >= 0 && v < 1));
        weightDecay = new DoubleParam(
                p,
                "weightDecay",
                "AdamW's decoupled weight decay (>= 0); only for optimizer adamw (for the others use l2)",
                Validators.doubleAtLeast(0));
        l1 = new DoubleParam(p, "l1", "L1 penalty on weights (not biases), >= 0", Validators.doubleAtLeast(0));
        l2 = new DoubleParam(
                p,
                "l2",
                "L2 penalty on weights (not biases), added to the gradient, >= 0",
                Validators.doubleAtLeast(0));
        gradientClipNorm = new DoubleParam(
                p, "gradientClipNorm", "clip the global gradient norm to this (0 = off)", Validators.doubleAtLeast(0));

        p.setDefault(optimizer, "adam");
        p.setDefault(learningRate, 1e-3);
        p.setDefault(momentum, 0.9);
        p.setDefault(beta1, 0.9);
        p.setDefault(beta2, 0.999);
        p.setDefault(weightDecay, 0.0);
        p.setDefault(l1, 0.0);
        p.setDefault(l2, 0.0);
        p.setDefault(gradientClipNorm, 0.0);
    }
}
