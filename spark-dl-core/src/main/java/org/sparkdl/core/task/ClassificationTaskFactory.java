package org.sparkdl.core.task;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.TaskFactory;
import org.sparkdl.core.train.TrainingConfig;

/**
 * Builds {@link ClassificationTask}s; reports training loss and accuracy, validation accuracy and
 * loss; early stopping watches validation accuracy.
 *
 * @param averageOptimizerState average the optimizer's moments across partitions each round, or
 *     let each partition keep its own
 * @param start the first layers' weights from a pretrained encoder, or null
 */
public record ClassificationTaskFactory(TrainingConfig config, boolean averageOptimizerState, PretrainedLayers start)
        implements TaskFactory {
    private static final long serialVersionUID = 2L;

    public ClassificationTaskFactory(TrainingConfig config, boolean averageOptimizerState) {
        this(config, averageOptimizerState, null);
    }

    public static final String VALIDATION_ACCURACY = "validationAccuracy";

    @Override
    public ClassificationTask create(Kernels kernels) {
        return new ClassificationTask(config, averageOptimizerState, start, kernels);
    }

    @Override
    public String key() {
        return "classification|" + config + "|averageOptimizerState=" + averageOptimizerState
                + (start == null ? "" : "|start=" + start.fingerprint());
    }

    @Override
    public Map<String, Double> trainingMetrics(Figures sums) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trainingLoss", sums.ratio(Figures.LOSS_SUM, Figures.STEPS));
        m.put("trainingAccuracy", sums.ratio(ClassificationTask.CORRECT, Figures.SAMPLES));
        return m;
    }

    @Override
    public Map<String, Double> validationMetrics(Figures sums) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(VALIDATION_ACCURACY, sums.ratio(ClassificationTask.CORRECT, Figures.SAMPLES));
        m.put("validationLoss", sums.ratio(ClassificationTask.EVAL_LOSS_SUM, Figures.SAMPLES));
        return m;
    }

    @Override
    public String validationMetric() {
        return VALIDATION_ACCURACY;
    }

    @Override
    public boolean largerIsBetter() {
        return true;
    }
}
