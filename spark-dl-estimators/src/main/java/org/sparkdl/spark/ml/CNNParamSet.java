package org.sparkdl.spark.ml;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;

/**
 * The CNN params, declared once with their docs, validators and defaults — the one place for
 * defaults. The estimator and the model each own an instance (Spark params belong to one parent)
 * and expose it through {@link CNNParams}.
 */
public final class CNNParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final List<String> SCHEDULES = List.of("constant", "step", "cosine", "linear");
    public static final List<String> LOSSES = List.of("cross_entropy", "hinge");

    final Param<String> spec;
    final Param<String> inputShape;
    final Param<String> optimizer;
    final DoubleParam learningRate;
    final DoubleParam momentum;
    final DoubleParam beta1;
    final DoubleParam beta2;
    final DoubleParam weightDecay;
    final DoubleParam l1;
    final DoubleParam l2;
    final DoubleParam gradientClipNorm;
    final Param<String> schedule;
    final IntArrayParam scheduleMilestones;
    final DoubleParam scheduleGamma;
    final DoubleParam minLearningRate;
    final IntParam warmupEpochs;
    final DoubleParam warmupStartFactor;
    final Param<String> loss;
    final Param<String> initializer;
    final IntParam batchSize;
    final IntParam maxEpochs;
    final IntParam averagingFrequency;
    final BooleanParam averageOptimizerState;
    final IntParam numPartitions;
    final LongParam seed;
    final Param<String> backend;
    final Param<String> validationIndicatorCol;
    final Param<String> checkpointDir;
    final IntParam checkpointInterval;

    CNNParamSet(Params p) {
        spec = new Param<>(
                p,
                "spec",
                "the network as a spec string, e.g. '" + ModelSpec.CNN_S
                        + "'; its last layer's size is the number of classes",
                Validators.spec());
        inputShape = new Param<>(
                p,
                "inputShape",
                "per-sample shape of the features vector, e.g. '1,28,28' (C,H,W)"
                        + " for images; empty means a flat vector of the features' length",
                Validators.shape());
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
                "AdamW's decoupled weight decay (>= 0); only for optimizer" + " adamw (for the others use l2)",
                Validators.doubleAtLeast(0));
        l1 = new DoubleParam(p, "l1", "L1 penalty on weights (not biases), >= 0", Validators.doubleAtLeast(0));
        l2 = new DoubleParam(
                p,
                "l2",
                "L2 penalty on weights (not biases), added to the gradient, >= 0",
                Validators.doubleAtLeast(0));
        gradientClipNorm = new DoubleParam(
                p, "gradientClipNorm", "clip the global gradient norm to this (0 = off)", Validators.doubleAtLeast(0));
        schedule = new Param<>(
                p, "schedule", "learning-rate schedule over epochs: one of " + SCHEDULES, Validators.oneOf(SCHEDULES));
        scheduleMilestones = new IntArrayParam(
                p,
                "scheduleMilestones",
                "epochs at which the 'step' schedule" + " multiplies the rate by scheduleGamma (positive, increasing)",
                Validators.positiveIncreasing());
        scheduleGamma =
                new DoubleParam(p, "scheduleGamma", "factor of the 'step' schedule (> 0)", Validators.doubleAbove(0));
        minLearningRate = new DoubleParam(
                p,
                "minLearningRate",
                "final rate of the 'cosine' and 'linear' schedules" + " (>= 0)",
                Validators.doubleAtLeast(0));
        warmupEpochs = new IntParam(
                p, "warmupEpochs", "epochs of linear warm-up before the schedule (>= 0)", Validators.intAtLeast(0));
        warmupStartFactor = new DoubleParam(
                p,
                "warmupStartFactor",
                "warm-up starts at this fraction of the rate," + " in (0, 1]",
                Validators.doubles(v -> v > 0 && v <= 1));
        loss = new Param<>(p, "loss", "loss: one of " + LOSSES, Validators.oneOf(LOSSES));
        initializer = new Param<>(
                p,
                "initializer",
                "weight initialiser: he_normal, he_uniform, xavier_normal or" + " xavier_uniform",
                Validators.initializer());
        batchSize = new IntParam(p, "batchSize", "mini-batch size per partition (>= 1)", Validators.intAtLeast(1));
        maxEpochs = new IntParam(p, "maxEpochs", "passes over the training data (>= 1)", Validators.intAtLeast(1));
        averagingFrequency = new IntParam(
                p,
                "averagingFrequency",
                "local mini-batch steps per partition between" + " parameter averagings (>= 1)",
                Validators.intAtLeast(1));
        averageOptimizerState = new BooleanParam(
                p,
                "averageOptimizerState",
                "average the optimizer state (step count, momentum, Adam moments) across partitions each round"
                        + " like the weights; false: each partition keeps its own");
        numPartitions = new IntParam(
                p,
                "numPartitions",
                "partitions (parallel replicas) to train with; 0 = Spark's" + " default parallelism",
                Validators.intAtLeast(0));
        seed = new LongParam(p, "seed", "random seed: weights, shuffles, dropout");
        backend = new Param<>(
                p,
                "backend",
                "kernels backend: auto (OpenCL on a GPU, else CPU), cpu or opencl",
                Validators.oneOf(Backends.NAMES));
        validationIndicatorCol = new Param<>(
                p,
                "validationIndicatorCol",
                "name of a boolean column marking rows" + " held out for per-epoch validation (not trained on)");
        checkpointDir = new Param<>(
                p,
                "checkpointDir",
                "Hadoop path for training checkpoints; a fit with the same"
                        + " directory resumes from its last complete checkpoint");
        checkpointInterval = new IntParam(
                p, "checkpointInterval", "checkpoint every this many epochs (>= 1)", Validators.intAtLeast(1));

        p.setDefault(spec, ModelSpec.CNN_S);
        p.setDefault(inputShape, "");
        p.setDefault(optimizer, "adam");
        p.setDefault(learningRate, 1e-3);
        p.setDefault(momentum, 0.9);
        p.setDefault(beta1, 0.9);
        p.setDefault(beta2, 0.999);
        p.setDefault(weightDecay, 0.0);
        p.setDefault(l1, 0.0);
        p.setDefault(l2, 0.0);
        p.setDefault(gradientClipNorm, 0.0);
        p.setDefault(schedule, "constant");
        p.setDefault(scheduleMilestones, new int[0]);
        p.setDefault(scheduleGamma, 0.1);
        p.setDefault(minLearningRate, 0.0);
        p.setDefault(warmupEpochs, 0);
        p.setDefault(warmupStartFactor, 0.1);
        p.setDefault(loss, "cross_entropy");
        p.setDefault(initializer, "he_normal");
        p.setDefault(batchSize, 64);
        p.setDefault(maxEpochs, 5);
        p.setDefault(averagingFrequency, 16);
        p.setDefault(averageOptimizerState, true);
        p.setDefault(numPartitions, 0);
        p.setDefault(seed, 42L);
        p.setDefault(backend, "auto");
        p.setDefault(checkpointInterval, 1);
    }
}
