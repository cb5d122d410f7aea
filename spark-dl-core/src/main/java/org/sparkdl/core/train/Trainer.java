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
 *
 * <p>Told to ({@link #keepOnDevice}), it runs its steps on a {@link ResidentStep} instead, whose
 * state lives on a device: the host model and optimizer are then brought up to date only when
 * asked ({@link #syncHost}), and a change to them made on the host must be announced ({@link
 * #hostStateChanged}) so that the next step uploads it.
 */
public final class Trainer {
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final double clipNorm;
    private Tensor lastOutput;
    private ResidentStep resident;
    /** The host's state is newer than the device's: upload before the next resident step. */
    private boolean hostAhead;
    /** Resident steps ran since the host's state was last brought up to date. */
    private boolean deviceAhead;

    private int residentCorrect;

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

    /** The global gradient-norm limit, 0 for none. */
    public double clipNorm() {
        return clipNorm;
    }

    /** From now on, steps run on {@code step}, starting from the host's current state. */
    public void keepOnDevice(ResidentStep step) {
        resident = step;
        hostAhead = true;
        deviceAhead = false;
    }

    /** The step the device runs, or null: steps run on the host model through its kernels. */
    public ResidentStep resident() {
        return resident;
    }

    /** The host model or optimizer state was replaced: the next resident step uploads it first. */
    public void hostStateChanged() {
        hostAhead = true;
        deviceAhead = false;
    }

    /**
     * Truncated BPTT: from now on each step starts the recurrent layers from the previous step's
     * final state (on the host model, and on the device where steps run there).
     */
    public void setCarryState(boolean carry) {
        model.setCarryState(carry);
        if (resident != null) {
            resident.setCarryState(carry);
        }
    }

    /** Forgets the carried recurrent state, on the host model and on the device. */
    public void resetState() {
        model.resetState();
        if (resident != null) {
            resident.resetState();
        }
    }

    /** Brings the host model and optimizer up to date with the device, where steps ran since. */
    public void syncHost() {
        if (resident != null && deviceAhead) {
            resident.download();
            deviceAhead = false;
        }
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
        refusePadding(out.lengths());
        return out.reshape(out.dim(0) * out.dim(1), out.dim(2));
    }

    /** Throws unless {@code lengths} is null: an output per step is scored at every step. */
    public static void refusePadding(int[] lengths) {
        if (lengths != null) {
            throw new IllegalArgumentException("an output per step is scored at every step, but this one is padded"
                    + " (it carries sequence lengths): end the spec with 'last' to classify sequences, or train on"
                    + " unpadded windows");
        }
    }

    /** How many rows of the last step's output have their arg-max at the class in {@code target}. */
    public int lastCorrect(Tensor target) {
        return resident != null ? residentCorrect : Evaluation.correct(lastOutput, target.data());
    }

    /**
     * One mini-batch step; returns the batch's mean loss before the update. An output per step
     * [N, T, K] (a language model's next-token logits) is scored as N·T rows of K against N·T
     * targets.
     */
    public float step(Tensor x, Tensor target) {
        if (resident != null) {
            return residentStep(x, target);
        }
        model.zeroGrad();
        Tensor out = model.forward(x, true);
        Tensor scored = perRow(out);
        lastOutput = scored;
        float l = loss.forward(scored, target);
        checkFinite(l, optimizer.steps() + 1);
        Tensor g = loss.backward();
        model.backward(scored == out ? g : g.reshape(out.shape()));
        if (clipNorm > 0) {
            GradientClipping.clipGlobalNorm(model.params(), clipNorm);
        }
        optimizer.step();
        return l;
    }

    private float residentStep(Tensor x, Tensor target) {
        if (hostAhead) {
            resident.upload();
            hostAhead = false;
        }
        float l = resident.step(x, target);
        deviceAhead = true;
        residentCorrect = resident.lastCorrect();
        checkFinite(l, -1);
        return l;
    }

    /** @param step the optimizer step it was, or -1 where only the device counts steps */
    private static void checkFinite(float l, long step) {
        if (!Float.isFinite(l)) {
            throw new ArithmeticException("training loss became " + l + (step > 0 ? " at optimizer step " + step : "")
                    + "; lower the learning rate or enable gradient clipping");
        }
    }
}
