package org.sparkdl.core.task;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.TaskFactory;
import org.sparkdl.core.train.TrainingConfig;

/**
 * Builds {@link LanguageModelTask}s; reports the loss per token and the perplexity, for training
 * and validation; early stopping watches the validation loss.
 */
public record LanguageModelTaskFactory(TrainingConfig config, boolean averageOptimizerState) implements TaskFactory {
    private static final long serialVersionUID = 1L;

    public static final String VALIDATION_LOSS = "validationLoss";

    @Override
    public LanguageModelTask create(Kernels kernels) {
        return new LanguageModelTask(config, averageOptimizerState, kernels);
    }

    @Override
    public String key() {
        return "language-model|" + config + "|averageOptimizerState=" + averageOptimizerState;
    }

    @Override
    public Map<String, Double> trainingMetrics(Figures sums) {
        double loss = sums.ratio(LanguageModelTask.TOKEN_LOSS_SUM, LanguageModelTask.TOKEN_COUNT);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("trainingLoss", loss);
        m.put("trainingPerplexity", Math.exp(loss));
        m.put("tokens", sums.get(LanguageModelTask.TOKEN_COUNT));
        return m;
    }

    @Override
    public Map<String, Double> validationMetrics(Figures sums) {
        double loss = sums.ratio(LanguageModelTask.TOKEN_LOSS_SUM, LanguageModelTask.TOKEN_COUNT);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(VALIDATION_LOSS, loss);
        m.put("perplexity", Math.exp(loss));
        return m;
    }

    @Override
    public String validationMetric() {
        return VALIDATION_LOSS;
    }

    @Override
    public boolean largerIsBetter() {
        return false;
    }
}
