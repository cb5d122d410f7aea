package org.sparkdl.core.task;

import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Evaluation;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.TrainingConfig;

/**
 * Classification of samples: columns {@code features} (the input shape's values; for sequences of
 * an input shape T,F or T also variable-length, padded with their lengths) and {@code label} (a
 * class index). The state is {@link NetworkTask}'s.
 */
public final class ClassificationTask extends NetworkTask {
    /** Figures: correct predictions, and the summed loss of evaluated samples. */
    public static final String CORRECT = "correct";

    public static final String EVAL_LOSS_SUM = "evalLossSum";

    private final SequenceInputs inputs = new SequenceInputs();

    public ClassificationTask(TrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(config, averageOptimizerState, kernels);
        keepStepsOnDevice(kernels);
    }

    /** @param start the first layers from a pretrained encoder (frozen or not), or null */
    public ClassificationTask(
            TrainingConfig config, boolean averageOptimizerState, PretrainedLayers start, Kernels kernels) {
        super(config, averageOptimizerState, start, kernels);
        keepStepsOnDevice(kernels);
    }

    @Override
    public double step(DataBlock batch, Figures figures) {
        Tensor x = inputs.tensor(batch, Columns.FEATURES, config.inputShape());
        Tensor y = Tensor.of(batch.column(Columns.LABEL).floats(), batch.size());
        float loss = trainer.step(x, y);
        figures.add(CORRECT, trainer.lastCorrect(y));
        return loss;
    }

    @Override
    public void evaluate(DataBlock batch, Figures figures) {
        trainer.syncHost();
        Tensor logits = model.forward(inputs.tensor(batch, Columns.FEATURES, config.inputShape()), false);
        float[] labels = batch.column(Columns.LABEL).floats();
        figures.add(CORRECT, Evaluation.correct(logits, labels));
        figures.add(
                EVAL_LOSS_SUM, (double) trainer.loss().forward(logits, Tensor.of(labels, batch.size())) * batch.size());
    }
}
