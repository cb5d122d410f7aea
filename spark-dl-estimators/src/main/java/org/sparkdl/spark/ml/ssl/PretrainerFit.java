package org.sparkdl.spark.ml.ssl;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.ssl.MomentumSchedule;
import org.sparkdl.core.ssl.PretrainingConfig;
import org.sparkdl.core.ssl.PretrainingMethod;
import org.sparkdl.core.ssl.PretrainingTask;
import org.sparkdl.core.ssl.PretrainingTaskFactory;
import org.sparkdl.core.ssl.TeacherTemperature;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.spark.train.DataLayout;
import org.sparkdl.spark.train.ParameterAveraging;
import org.sparkdl.spark.train.TrainingData;
import org.sparkdl.spark.train.TrainingPlan;
import org.sparkdl.spark.train.TrainingResult;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * {@link ContrastivePretrainer}'s glue over the engine: params → a {@link PretrainingTaskFactory},
 * a {@link TrainingPlan} and a {@link PretrainingPacker}; the driver's result → a model holding
 * the encoder's state (the head is dropped).
 */
final class PretrainerFit {
    private static final Logger LOG = LoggerFactory.getLogger(PretrainerFit.class);

    private PretrainerFit() {}

    /** The task's configuration from the params; every inconsistency fails here, naming the param. */
    static PretrainingConfig config(PretrainerParams<?> p) {
        PretrainingMethod method = PretrainingMethod.parse(p.getMethod());
        int[] shape = Shapes.parse(p.getInputShape());
        TrainingConfig encoder = new TrainingConfig(
                p.getSpec(),
                shape,
                "cross_entropy", // not used: each method has its own loss
                p.optimizerConfig(),
                p.getGradientClipNorm(),
                p.getBatchSize(),
                p.getInitializer(),
                p.getSeed());
        Augmentation global = p.augmentation();
        if (p.getLocalCropScaleMin() > p.getLocalCropScaleMax()) {
            throw new IllegalArgumentException("localCropScaleMin " + p.getLocalCropScaleMin()
                    + " must be at most localCropScaleMax " + p.getLocalCropScaleMax());
        }
        Augmentation local = global.withCropScale(p.getLocalCropScaleMin(), p.getLocalCropScaleMax());
        return new PretrainingConfig(
                method,
                encoder,
                method == PretrainingMethod.DINO ? p.getPrototypes() : p.getProjectionSize(),
                p.getHeadHiddenSize(),
                method == PretrainingMethod.DINO ? p.getStudentTemperature() : p.getTemperature(),
                teacherTemperature(p),
                p.getMomentum(),
                MomentumSchedule.parse(p.getMomentumSchedule()),
                p.getCenterMomentum(),
                p.getQueueSize(),
                p.getLocalCrops(),
                global,
                local);
    }

    /**
     * teacherTemperature, warmed up from initialTeacherTemperature over teacherTemperatureWarmupEpochs
     * of maxEpochs when both are set; one without the other fails rather than being ignored.
     */
    private static TeacherTemperature teacherTemperature(PretrainerParams<?> p) {
        int warmup = p.getTeacherTemperatureWarmupEpochs();
        boolean initial = p.isSet(p.initialTeacherTemperature());
        if (warmup == 0 && !initial) {
            return TeacherTemperature.constant(p.getTeacherTemperature());
        }
        if (warmup == 0) {
            throw new IllegalArgumentException("initialTeacherTemperature is set (" + p.getInitialTeacherTemperature()
                    + ") but teacherTemperatureWarmupEpochs is 0: set the epochs of the warm-up to teacherTemperature");
        }
        if (!initial) {
            throw new IllegalArgumentException("teacherTemperatureWarmupEpochs is " + warmup
                    + " but initialTeacherTemperature is not set: set the temperature the warm-up starts from");
        }
        if (warmup > p.getMaxEpochs()) {
            throw new IllegalArgumentException(
                    "teacherTemperatureWarmupEpochs " + warmup + " must be at most maxEpochs " + p.getMaxEpochs());
        }
        return new TeacherTemperature(
                p.getInitialTeacherTemperature(), p.getTeacherTemperature(), warmup / (double) p.getMaxEpochs());
    }

    static ContrastivePretrainerModel run(ContrastivePretrainer est, Dataset<?> dataset) {
        est.transformSchema(dataset.schema());
        PretrainingConfig config = config(est);
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config, est.getAverageOptimizerState());
        PretrainingTask probe = factory.create(new CpuKernels()); // a spec that does not fit fails here
        int embeddingSize = probe.encoder().outputShape()[0];
        int encoderState = probe.encoder().stateSize();
        TrainingPlan plan = est.trainingPlan();
        ParameterAveraging.checkOutputs(dataset.sparkSession(), plan);
        String v = est.validationColumn();
        Column isValidation = v.isEmpty() ? lit(false) : col(v).cast("boolean");
        String labelCol = est.getLabelCol();
        Column label =
                labelCol.isEmpty() ? lit(null).cast("double") : col(labelCol).cast("double");
        Dataset<Row> rows = dataset.select(col(est.getFeaturesCol()), label, isValidation);
        DataLayout layout = est.dataLayout(dataset.sparkSession());
        int[] shape = config.encoder().inputShape();
        TrainingData data = TrainingData.pack(
                rows,
                new PretrainingPacker(Shapes.size(shape), est.getFeaturesCol(), labelCol, est.featureStorageValue()),
                layout);
        try {
            if (data.trainRows() == 0) {
                throw new IllegalArgumentException(
                        "the training data is empty: no rows in column '" + est.getFeaturesCol() + "'"
                                + (data.validationRows() > 0 ? " outside the validation set" : ""));
            }
            LOG.info(
                    "spark-dl pretraining ({}): {} training rows, {} validation rows in {} partitions; encoder '{}'"
                            + " on {} → embedding of {}",
                    config.method().token(),
                    data.trainRows(),
                    data.validationRows(),
                    data.partitions(),
                    est.getSpec(),
                    Shapes.describe(shape),
                    embeddingSize);
            TrainingResult result = ParameterAveraging.train(data, factory, plan);
            // the network whose encoder makes the embeddings: the one trained by gradient, or DINO's teacher
            float[] network = result.state().get(probe.embeddingSlot());
            float[] encoder = java.util.Arrays.copyOf(network, encoderState);
            warnOnCollapse(result.summary(), embeddingSize, config.projectionSize());
            ContrastivePretrainerModel model = new ContrastivePretrainerModel(est.uid(), encoder);
            return model.setSummary(result.summary());
        } finally {
            data.release();
        }
    }

    /**
     * Logs a warning for each way the fit may have collapsed, judged on its last epoch: embeddings
     * in (nearly) one direction, or DINO's teacher near the uniform distribution over its {@code
     * prototypes} (DINO's own collapse, in which the embeddings may stay spread out).
     */
    private static void warnOnCollapse(TrainingSummary summary, int dim, int prototypes) {
        double std = lastEpoch(summary, PretrainingTaskFactory.EMBEDDING_STD);
        if (PretrainingTaskFactory.collapsed(std, dim)) {
            LOG.warn(
                    "spark-dl pretraining: the representation collapsed: the embeddings' mean per-dimension"
                            + " deviation is {} (below a tenth of the 1/sqrt({}) = {} of spread-out embeddings); every"
                            + " image maps to nearly the same direction. Try a higher temperature, a lower learning"
                            + " rate, stronger augmentations or, for dino, a higher centerMomentum.",
                    String.format("%.4f", std),
                    dim,
                    String.format("%.4f", 1 / Math.sqrt(dim)));
        }
        double entropy = lastEpoch(summary, PretrainingTaskFactory.TEACHER_ENTROPY);
        if (PretrainingTaskFactory.uniformTeacher(entropy, prototypes)) {
            LOG.warn(
                    "spark-dl pretraining: dino's teacher targets are nearly uniform: the mean entropy of its"
                            + " outputs is {} nats, against ln({}) = {} for the uniform distribution, so the student"
                            + " learns nothing from them (dino collapsed, or has not started to learn). Try a lower"
                            + " teacherTemperature, more prototypes, a lower learning rate or a warm-up, or"
                            + " initializer he_normal.",
                    String.format("%.3f", entropy),
                    prototypes,
                    String.format("%.3f", Math.log(prototypes)));
        }
    }

    /** The metric's value in the summary's last epoch; NaN when there is none. */
    private static double lastEpoch(TrainingSummary summary, String metric) {
        double[] history = summary.history(metric);
        return history.length == 0 ? Double.NaN : history[history.length - 1];
    }
}
