package org.sparkdl.core.task;

import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Reseedable;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.core.train.TrainingTask;

/**
 * Next-token prediction with truncated backpropagation through time. Column {@value #TOKENS}
 * holds windows of {@code chunks · bpttLength + 1} token ids cut in order from a text; a step
 * runs a batch of windows chunk by chunk, in order, each chunk an optimizer update on the next-token
 * loss of its {@code bpttLength} steps, the recurrent state carried from one chunk into the next
 * without gradient. The model's input shape is {@code bpttLength} token ids; its output the
 * logits of every step.
 */
public final class LanguageModelTask implements TrainingTask {
    public static final String TOKENS = "tokens";
    /** Figures: tokens predicted, and the sum of their losses. */
    public static final String TOKEN_COUNT = "tokens";

    public static final String TOKEN_LOSS_SUM = "tokenLossSum";

    private final int bptt;
    private final Sequential model;
    private final Optimizer optimizer;
    private final Trainer trainer;
    private final StateLayout layout;
    private float[] x = new float[0];
    private float[] y = new float[0];

    public LanguageModelTask(TrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        if (config.inputShape().length != 1) {
            throw new IllegalArgumentException("a language model's input is bpttLength token ids, got shape "
                    + java.util.Arrays.toString(config.inputShape()));
        }
        this.bptt = config.inputShape()[0];
        this.model = config.buildModel(kernels);
        this.optimizer = config.buildOptimizer(model);
        this.trainer =
                new Trainer(model, config.buildLoss(), optimizer, LearningRateSchedule.constant(0), config.clipNorm());
        this.layout = StateLayout.of(
                new StateSlot(ClassificationTask.MODEL, model.stateSize(), MergeRule.AVERAGE),
                new StateSlot(
                        ClassificationTask.OPTIMIZER,
                        optimizer.stateSize(),
                        averageOptimizerState ? MergeRule.AVERAGE : MergeRule.LOCAL));
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
        int chunks = chunks(batch);
        double sum = 0;
        model.resetState();
        model.setCarryState(true);
        for (int c = 0; c < chunks; c++) {
            fill(batch, c);
            sum += trainer.step(Tensor.of(x, batch.size(), bptt), Tensor.of(y, batch.size() * bptt));
        }
        model.setCarryState(false);
        figures.add(TOKEN_COUNT, (double) batch.size() * bptt * chunks);
        figures.add(TOKEN_LOSS_SUM, sum * batch.size() * bptt);
        return sum / chunks;
    }

    @Override
    public void evaluate(DataBlock batch, Figures figures) {
        int chunks = chunks(batch);
        model.resetState();
        model.setCarryState(true);
        for (int c = 0; c < chunks; c++) {
            fill(batch, c);
            Tensor logits = Trainer.perRow(model.forward(Tensor.of(x, batch.size(), bptt), false));
            double loss = trainer.loss().forward(logits, Tensor.of(y, batch.size() * bptt));
            figures.add(TOKEN_LOSS_SUM, loss * batch.size() * bptt);
        }
        model.setCarryState(false);
        figures.add(TOKEN_COUNT, (double) batch.size() * bptt * chunks);
    }

    private int chunks(DataBlock batch) {
        Column t = batch.column(TOKENS);
        int w = t.width() - 1;
        if (t.isRagged() || t.isFloat() || w < bptt || w % bptt != 0) {
            throw new IllegalArgumentException(
                    "column '" + TOKENS + "' must hold windows of k·" + bptt + " + 1 token ids, got " + t);
        }
        return w / bptt;
    }

    /** Chunk {@code c}'s inputs (ids at steps c·bptt ..) and targets (the ids one step later). */
    private void fill(DataBlock batch, int c) {
        Column t = batch.column(TOKENS);
        int n = batch.size();
        if (x.length != n * bptt) {
            x = new float[n * bptt];
            y = new float[n * bptt];
        }
        int[] ids = t.ints();
        for (int i = 0; i < n; i++) {
            int from = t.start(i) + c * bptt;
            for (int s = 0; s < bptt; s++) {
                x[i * bptt + s] = ids[from + s];
                y[i * bptt + s] = ids[from + s + 1];
            }
        }
    }
}
