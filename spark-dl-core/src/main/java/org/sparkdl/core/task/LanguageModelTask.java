package org.sparkdl.core.task;

import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;

/**
 * Next-token prediction with truncated backpropagation through time. Column {@value #TOKENS}
 * holds windows of {@code chunks · bpttLength + 1} token ids cut in order from a text; a step
 * runs a batch of windows chunk by chunk, in order, each chunk an optimizer update on the next-token
 * loss of its {@code bpttLength} steps, the recurrent state carried from one chunk into the next
 * without gradient. The model's input shape is {@code bpttLength} token ids; its output the
 * logits of every step.
 */
public final class LanguageModelTask extends NetworkTask {
    public static final String TOKENS = "tokens";
    /** Figures: tokens predicted, and the sum of their losses. */
    public static final String TOKEN_COUNT = "tokens";

    public static final String TOKEN_LOSS_SUM = "tokenLossSum";

    private final int bptt;
    private float[] x = new float[0];
    private float[] y = new float[0];

    public LanguageModelTask(TrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(checked(config), averageOptimizerState, kernels);
        this.bptt = config.inputShape()[0];
        keepStepsOnDevice(kernels);
    }

    private static TrainingConfig checked(TrainingConfig config) {
        if (config.inputShape().length != 1) {
            throw new IllegalArgumentException("a language model's input is bpttLength token ids, got shape "
                    + java.util.Arrays.toString(config.inputShape()));
        }
        return config;
    }

    @Override
    public double step(DataBlock batch, Figures figures) {
        int chunks = chunks(batch);
        double sum = 0;
        trainer.resetState();
        trainer.setCarryState(true);
        for (int c = 0; c < chunks; c++) {
            fill(batch, c);
            sum += trainer.step(Tensor.of(x, batch.size(), bptt), Tensor.of(y, batch.size() * bptt));
        }
        trainer.setCarryState(false);
        figures.add(TOKEN_COUNT, (double) batch.size() * bptt * chunks);
        figures.add(TOKEN_LOSS_SUM, sum * batch.size() * bptt);
        return sum / chunks;
    }

    @Override
    public void evaluate(DataBlock batch, Figures figures) {
        trainer.syncHost();
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
