package org.sparkdl.core.train;

import org.sparkdl.core.tensor.Tensor;

/**
 * A training step whose state stays on an accelerator: the model's parameters and buffers, its
 * gradients and activations, and the optimizer's state live in device memory between steps. A
 * step moves the mini-batch up and a few figures down; the state crosses once each way per
 * averaging round ({@link #upload}, {@link #download}), the host model and optimizer being its
 * copy at those points. A {@link Trainer} runs its steps on one when told to ({@link
 * Trainer#keepOnDevice}).
 */
public interface ResidentStep {
    /** Copies the host model's state and the optimizer's onto the device. */
    void upload();

    /** Copies the device's state back into the host model and optimizer. */
    void download();

    /**
     * One step as {@link Trainer#step} takes it (zero the gradients, forward, loss, backward,
     * update), on the device; returns the batch's mean loss before the update.
     */
    float step(Tensor x, Tensor target);

    /**
     * Truncated BPTT on the device, as {@code StatefulLayer.setCarryState} on the host: each step
     * starts its recurrent layers from the previous step's final state, which stays on the device.
     */
    void setCarryState(boolean carry);

    /** Forgets the carried state: the next step starts from zeros. */
    void resetState();

    /** Correct predictions (arg-max equal to the label) in the last step's batch. */
    int lastCorrect();

    /** Bytes copied to the device so far. */
    long uploadedBytes();

    /** Bytes copied back from the device so far. */
    long downloadedBytes();

    /** Device memory this step holds, in bytes. */
    long deviceBytes();

    /** Times the device's copy of the state was found lost and the round's steps redone. */
    long recoveries();

    /** One line for logs: the device, and what the step holds there. */
    String describe();
}
