package org.sparkdl.core.ssl;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.TaskFactory;

/**
 * Builds the {@link PretrainingTask} of the configured method. Reports per epoch the training loss
 * and the spread of the training embeddings (collapse shows there first), the rotation accuracy for
 * the rotation method, DINO's teacher entropy (its own collapse shows there), and on validation
 * rows the k-NN accuracy of the embeddings (on rows that carry a label) and their spread (for DINO
 * the teacher's, which the model keeps, and the student's k-NN accuracy beside it). Early stopping
 * watches the k-NN accuracy.
 *
 * <p>Evaluation runs in batches of {@value #EVALUATION_BATCH}: the k-NN accuracy is leave-one-out
 * within each such batch, so each row has up to that many candidate neighbours.
 */
public record PretrainingTaskFactory(PretrainingConfig config, boolean averageOptimizerState) implements TaskFactory {
    private static final long serialVersionUID = 1L;

    public static final String TRAINING_LOSS = "trainingLoss";
    public static final String EMBEDDING_STD = "embeddingStd";
    public static final String ROTATION_ACCURACY = "rotationAccuracy";
    /**
     * DINO: the mean entropy (nats) of the teacher's centred, sharpened output distributions; ln K
     * for K prototypes when they are uniform.
     */
    public static final String TEACHER_ENTROPY = "teacherEntropy";

    public static final String KNN_ACCURACY = "knnAccuracy";
    /** DINO: the k-NN accuracy of the student, beside the teacher's ({@link #KNN_ACCURACY}) that the model keeps. */
    public static final String STUDENT_KNN_ACCURACY = "studentKnnAccuracy";

    public static final String VALIDATION_EMBEDDING_STD = "validationEmbeddingStd";
    static final int EVALUATION_BATCH = 1024;

    @Override
    public PretrainingTask create(Kernels kernels) {
        return switch (config.method()) {
            case SIMCLR, DCL -> new SimClrTask(config, averageOptimizerState, kernels);
            case MOCO -> new MocoTask(config, averageOptimizerState, kernels);
            case DINO -> new DinoTask(config, averageOptimizerState, kernels);
            case ROTATION -> new RotationTask(config, averageOptimizerState, kernels);
        };
    }

    @Override
    public String key() {
        return "pretraining|" + config + "|averageOptimizerState=" + averageOptimizerState;
    }

    @Override
    public Map<String, Double> trainingMetrics(Figures sums) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(TRAINING_LOSS, sums.ratio(Figures.LOSS_SUM, Figures.STEPS));
        m.put(EMBEDDING_STD, sums.ratio(PretrainingTask.EMBEDDING_STD_SUM, Figures.STEPS));
        if (config.method() == PretrainingMethod.ROTATION) {
            m.put(
                    ROTATION_ACCURACY,
                    sums.get(RotationTask.CORRECT) / (PretrainingConfig.ROTATIONS * sums.get(Figures.SAMPLES)));
        }
        if (config.method() == PretrainingMethod.DINO) {
            m.put(TEACHER_ENTROPY, sums.ratio(DinoTask.TEACHER_ENTROPY_SUM, Figures.STEPS));
        }
        return m;
    }

    @Override
    public Map<String, Double> validationMetrics(Figures sums) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(KNN_ACCURACY, sums.ratio(PretrainingTask.KNN_CORRECT, PretrainingTask.KNN_LABELLED));
        m.put(VALIDATION_EMBEDDING_STD, sums.ratio(PretrainingTask.EVAL_EMBEDDING_STD_SUM, Figures.SAMPLES));
        if (config.method() == PretrainingMethod.DINO) {
            m.put(STUDENT_KNN_ACCURACY, sums.ratio(PretrainingTask.TRAINED_KNN_CORRECT, PretrainingTask.KNN_LABELLED));
        }
        return m;
    }

    @Override
    public String validationMetric() {
        return KNN_ACCURACY;
    }

    @Override
    public boolean largerIsBetter() {
        return true;
    }

    @Override
    public int evaluationBatchSize() {
        return EVALUATION_BATCH;
    }

    /**
     * Whether {@code embeddingStd} (the mean per-dimension deviation of normalised embeddings of
     * size {@code dim}) says the representation collapsed: below a tenth of the 1/√dim of
     * directions spread evenly over the sphere.
     */
    public static boolean collapsed(double embeddingStd, int dim) {
        return embeddingStd < 0.1 / Math.sqrt(dim);
    }

    /**
     * Whether DINO's {@code teacherEntropy} over {@code prototypes} outputs says the teacher's
     * targets are (nearly) uniform: above {@value #UNIFORM_ENTROPY_SHARE} of ln K. Then the centring
     * has won over the sharpening and the student learns nothing from them, however spread out the
     * embeddings are.
     */
    public static boolean uniformTeacher(double teacherEntropy, int prototypes) {
        return teacherEntropy > UNIFORM_ENTROPY_SHARE * Math.log(prototypes);
    }

    /** The share of ln K above which {@link #uniformTeacher} reports a uniform teacher. */
    public static final double UNIFORM_ENTROPY_SHARE = 0.95;
}
