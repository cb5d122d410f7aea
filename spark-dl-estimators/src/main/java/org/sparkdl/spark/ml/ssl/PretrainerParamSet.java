package org.sparkdl.spark.ml.ssl;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.ssl.MomentumSchedule;
import org.sparkdl.core.ssl.PretrainingMethod;
import org.sparkdl.spark.ml.param.Validators;

/**
 * The pretraining family's own params (the method and its hyper-parameters, the encoder, the
 * columns), declared once with their docs, validators and defaults; training params come from the
 * shared groups, augmentation strengths from {@code HasAugmentation}. One instance per stage.
 */
public final class PretrainerParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    /** CNN-S's convolutions, then a 128-dimensional linear embedding. */
    public static final String DEFAULT_ENCODER =
            "conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(128)";

    static final List<String> METHODS = Arrays.stream(PretrainingMethod.values())
            .map(PretrainingMethod::token)
            .toList();

    static final List<String> MOMENTUM_SCHEDULES = Arrays.stream(MomentumSchedule.values())
            .map(MomentumSchedule::token)
            .toList();

    final Param<String> method;
    final Param<String> spec;
    final Param<String> inputShape;
    final Param<String> initializer;
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> embeddingCol;
    final DoubleParam temperature;
    final DoubleParam studentTemperature;
    final DoubleParam teacherTemperature;
    final DoubleParam initialTeacherTemperature;
    final IntParam teacherTemperatureWarmupEpochs;
    final IntParam projectionSize;
    final IntParam headHiddenSize;
    final IntParam prototypes;
    final IntParam queueSize;
    final DoubleParam momentum;
    final Param<String> momentumSchedule;
    final DoubleParam centerMomentum;
    final IntParam localCrops;
    final DoubleParam localCropScaleMin;
    final DoubleParam localCropScaleMax;

    PretrainerParamSet(Params p) {
        method = new Param<>(
                p,
                "method",
                "self-supervised method: simclr, dcl (decoupled contrastive), moco, dino or rotation",
                Validators.oneOf(METHODS));
        spec = new Param<>(
                p,
                "spec",
                "the encoder as a spec string ending in a flat embedding, e.g. '" + DEFAULT_ENCODER
                        + "'; the method's head goes on top during pretraining only",
                Validators.spec("spec"));
        inputShape = new Param<>(
                p,
                "inputShape",
                "per-image shape C,H,W of the features vector, e.g. '1,28,28'",
                Validators.shape("inputShape"));
        initializer = new Param<>(
                p,
                "initializer",
                "weight initialiser: " + org.sparkdl.core.init.Initializer.CHOICES,
                Validators.initializer("initializer"));
        featuresCol = new Param<>(p, "featuresCol", "the images: Vectors of C·H·W values", Validators.nonBlank());
        labelCol = new Param<>(
                p,
                "labelCol",
                "optional class index column, read only on validation rows for the per-epoch k-NN accuracy;"
                        + " labels never enter the loss; empty for none");
        embeddingCol = new Param<>(p, "embeddingCol", "output column of the embeddings", Validators.nonBlank());
        temperature = new DoubleParam(
                p, "temperature", "softmax temperature of simclr, dcl and moco (> 0)", Validators.doubleAbove(0));
        studentTemperature = new DoubleParam(
                p, "studentTemperature", "dino: the student's softmax temperature (> 0)", Validators.doubleAbove(0));
        teacherTemperature = new DoubleParam(
                p,
                "teacherTemperature",
                "dino: the teacher's softmax temperature (> 0; lower sharpens), after its warm-up if any",
                Validators.doubleAbove(0));
        initialTeacherTemperature = new DoubleParam(
                p,
                "initialTeacherTemperature",
                "dino: the teacher's temperature at the start of a warm-up to teacherTemperature, linear over"
                        + " teacherTemperatureWarmupEpochs (> 0; no default: set both, or neither)",
                Validators.doubleAbove(0));
        teacherTemperatureWarmupEpochs = new IntParam(
                p,
                "teacherTemperatureWarmupEpochs",
                "dino: epochs over which the teacher's temperature goes linearly from initialTeacherTemperature"
                        + " to teacherTemperature (>= 0, at most maxEpochs; 0: no warm-up)",
                Validators.intAtLeast(0));
        projectionSize = new IntParam(
                p,
                "projectionSize",
                "the head's output: projection size of simclr, dcl and moco (>= 1)",
                Validators.intAtLeast(1));
        headHiddenSize = new IntParam(
                p,
                "headHiddenSize",
                "width of the head's hidden layer for simclr, dcl, moco and dino (the rotation head has none);"
                        + " 0: as wide as the embedding (>= 0)",
                Validators.intAtLeast(0));
        prototypes = new IntParam(
                p,
                "prototypes",
                "dino: the head's output, the number of unit-length prototypes its outputs are cosine similarities"
                        + " to (>= 1)",
                Validators.intAtLeast(1));
        queueSize = new IntParam(
                p, "queueSize", "moco: past keys kept as negatives (>= batchSize)", Validators.intAtLeast(1));
        momentum = new DoubleParam(
                p,
                "momentum",
                "moco's key encoder and dino's teacher follow the trained network as a moving average with this"
                        + " momentum, in [0, 1)",
                Validators.doubleIn(0, 1));
        momentumSchedule = new Param<>(
                p,
                "momentumSchedule",
                "how that momentum moves over the fit: constant, or cosine (from momentum at the first epoch"
                        + " towards 1 at the last, as DINO and BYOL do)",
                Validators.oneOf(MOMENTUM_SCHEDULES));
        centerMomentum = new DoubleParam(
                p,
                "centerMomentum",
                "dino: momentum of the moving-average centre of the teacher's outputs, in [0, 1)",
                Validators.doubleIn(0, 1));
        localCrops = new IntParam(
                p,
                "localCrops",
                "dino: local crops per image besides the 2 global views (>= 0)",
                Validators.intAtLeast(0));
        localCropScaleMin = new DoubleParam(
                p,
                "localCropScaleMin",
                "dino: smallest area fraction of a local crop, in (0, 1]",
                Validators.doubleAboveAtMost(0, 1));
        localCropScaleMax = new DoubleParam(
                p,
                "localCropScaleMax",
                "dino: largest area fraction of a local crop, in (0, 1]",
                Validators.doubleAboveAtMost(0, 1));

        p.setDefault(method, "simclr");
        p.setDefault(spec, DEFAULT_ENCODER);
        p.setDefault(inputShape, "1,28,28");
        p.setDefault(initializer, "he_normal");
        p.setDefault(featuresCol, "features");
        p.setDefault(labelCol, "");
        p.setDefault(embeddingCol, "embedding");
        // 0.2: a better probe than 0.5 on both sides of bench/ssl-vs-pytorch.sh (docs/PERFORMANCE.md)
        p.setDefault(temperature, 0.2);
        p.setDefault(studentTemperature, 0.1);
        // 0.02 and 2048 prototypes, not the paper's 0.04 and 65,536: at 0.04 (or 128 prototypes) a
        // CNN-S encoder's DINO collapsed to the uniform distribution on Fashion-MNIST within 50 steps;
        // at 0.02 and 2048 its loss fell and its probe rose (docs/PERFORMANCE.md, "DINO with the paper's head")
        p.setDefault(teacherTemperature, 0.02);
        p.setDefault(teacherTemperatureWarmupEpochs, 0);
        p.setDefault(projectionSize, 128);
        p.setDefault(headHiddenSize, 0);
        p.setDefault(prototypes, 2048);
        p.setDefault(queueSize, 4096);
        p.setDefault(momentum, 0.99);
        p.setDefault(momentumSchedule, "constant");
        p.setDefault(centerMomentum, 0.9);
        p.setDefault(localCrops, 4);
        p.setDefault(localCropScaleMin, 0.05);
        p.setDefault(localCropScaleMax, 0.4);
        if (p instanceof org.sparkdl.spark.ml.param.HasAveraging<?> a) {
            // contrastive methods learn from the other samples of a batch: larger batches than a classifier's
            p.setDefault(a.batchSize(), 256);
        }
    }
}
