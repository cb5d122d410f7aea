package org.sparkdl.core.train;

import org.sparkdl.core.loss.Loss;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.GradientClipping;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;

/**
 * One model replica's training step: zero the gradients, forward, loss, backward, clip, update.
 * The learning rate comes from a schedule indexed by epoch, set by {@link #startEpoch}.
 */
public final class Trainer {
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double clipNorm;
    private Tensor lastOutput;

    /** @param clipNorm global gradient-norm limit, or 0 for none */
    public Trainer(Sequential model, Loss loss, Optimizer optimizer, LearningRateSchedule schedule, double clipNorm) {
        if (!(clipNorm >= 0)) {
            throw new IllegalArgumentException("clipNorm must be >= 0 (0 disables clipping), got " + clipNorm);
        }
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.clipNorm = clipNorm;
        startEpoch(0);
    }

    public Sequential model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Loss loss() {
        return loss;
    }

    /** Sets the learning rate of epoch {@code epoch} (0-based). */
    public void startEpoch(int epoch) {
        optimizer.setLearningRate(schedule.rate(epoch));
    }

    /** How many rows of the last step's output have their arg-max at the class in {@code target}. */
    public int lastCorrect(Tensor target) {
        return Evaluation.correct(lastOutput, target.data());
    }

    /** One mini-batch step; returns the batch's mean loss before the update. */
    public float step(Tensor x, Tensor target) {
        model.zeroGrad();
        Tensor out = model.forward(x, true);
        lastOutput = out;
        float l = loss.forward(out, target);
        if (!Float.isFinite(l)) {
            throw new ArithmeticException("training loss became " + l + " at optimizer step " + (optimizer.steps() + 1)
                    + "; lower the learning rate or enable gradient clipping");
        }
        model.backward(loss.backward());
        if (clipNorm > 0) {
            GradientClipping.clipGlobalNorm(model.params(), clipNorm);
        }
        optimizer.step();
        return l;
    }
}
