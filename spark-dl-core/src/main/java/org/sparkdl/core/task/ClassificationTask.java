package org.sparkdl.core.task;

import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Reseedable;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Evaluation;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.core.train.TrainingTask;

/**
 * Classification of samples: columns {@code features} (the input shape's values; for sequences of
 * an input shape T,F or T also variable-length, padded with their lengths) and {@code label} (a
 * class index). The state is the network's ({@value #MODEL}: parameters, then
 * BatchNorm statistics) and the optimizer's ({@value #OPTIMIZER}: step count and moments),
 * averaged, or kept per partition when the optimizer state is not averaged.
 */
public final class ClassificationTask implements TrainingTask {
    public static final String MODEL = "model";
    public static final String OPTIMIZER = "optimizer";
    /** Figures: correct predictions, and the summed loss of evaluated samples. */
    public static final String CORRECT = "correct";

    public static final String EVAL_LOSS_SUM = "evalLossSum";

    private final TrainingConfig config;
    private final Sequential model;
    private final Optimizer optimizer;
    private final Trainer trainer;
    private final StateLayout layout;
    private final SequenceInputs inputs = new SequenceInputs();

    public ClassificationTask(TrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        this.config = config;
        this.model = config.buildModel(kernels);
        this.optimizer = config.buildOptimizer(model);
        this.trainer =
                new Trainer(model, config.buildLoss(), optimizer, LearningRateSchedule.constant(0), config.clipNorm());
        this.layout = StateLayout.of(
                new StateSlot(MODEL, model.stateSize(), MergeRule.AVERAGE),
                new StateSlot(
                        OPTIMIZER, optimizer.stateSize(), averageOptimizerState ? MergeRule.AVERAGE : MergeRule.LOCAL));
    }

    public Sequential model() {
        return model;
    }

    @Override
    public StateLayout layout() {
        return layout;
    }

    @Override
    public void saveState(float[][] slots) {
        model.copyStateTo(slots[0]);
        System.arraycopy(optimizer.state(), 0, slots[1], 0, slots[1].length);
    }

    @Override
    public void loadState(float[][] slots) {
        model.loadState(slots[0], 0);
        optimizer.loadState(slots[1], 0);
    }

    @Override
    public void setLearningRate(double lr) {
        optimizer.setLearningRate(lr);
    }

    @Override
    public void reseed(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer l : model.layers()) {
            if (l instanceof Reseedable r) {
                r.reseed(rng.nextLong());
            }
        }
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
        Tensor logits = model.forward(inputs.tensor(batch, Columns.FEATURES, config.inputShape()), false);
        float[] labels = batch.column(Columns.LABEL).floats();
        figures.add(CORRECT, Evaluation.correct(logits, labels));
        figures.add(
                EVAL_LOSS_SUM, (double) trainer.loss().forward(logits, Tensor.of(labels, batch.size())) * batch.size());
    }
}
