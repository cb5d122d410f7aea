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

    /**
     * {@code out} as rows to score: itself, or [N·T, K] for an output per step [N, T, K]. Every
     * step is scored, so such an output must not carry padding.
     */
    public static Tensor perRow(Tensor out) {
        if (out.rank() != 3) {
            return out;
        }
        if (out.lengths() != null) {
            throw new IllegalArgumentException("an output per step is scored at every step, but this one is padded"
                    + " (it carries sequence lengths): end the spec with 'last' to classify sequences, or train on"
                    + " unpadded windows");
        }
        return out.reshape(out.dim(0) * out.dim(1), out.dim(2));
    }

    /** How many rows of the last step's output have their arg-max at the class in {@code target}. */
    public int lastCorrect(Tensor target) {
        return Evaluation.correct(lastOutput, target.data());
    }

    /**
     * One mini-batch step; returns the batch's mean loss before the update. An output per step
     * [N, T, K] (a language model's next-token logits) is scored as N·T rows of K against N·T
     * targets.
     */
    public float step(Tensor x, Tensor target) {
        model.zeroGrad();
        Tensor out = model.forward(x, true);
        Tensor scored = perRow(out);
        lastOutput = scored;
        float l = loss.forward(scored, target);
        if (!Float.isFinite(l)) {
            throw new ArithmeticException("training loss became " + l + " at optimizer step " + (optimizer.steps() + 1)
                    + "; lower the learning rate or enable gradient clipping");
        }
        Tensor g = loss.backward();
        model.backward(scored == out ? g : g.reshape(out.shape()));
        if (clipNorm > 0) {
            GradientClipping.clipGlobalNorm(model.params(), clipNorm);
        }
        optimizer.step();
        return l;
    }
}
