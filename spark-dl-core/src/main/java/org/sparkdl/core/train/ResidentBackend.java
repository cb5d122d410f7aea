package org.sparkdl.core.train;

/**
 * Kernels that can keep a whole training step on their device ({@link ResidentStep}). Found by
 * {@code instanceof} on a model's kernels, so that core never names an implementation.
 */
public interface ResidentBackend {
    /**
     * Null when {@code trainer}'s step can stay on the device, else why not, naming the layer,
     * loss, optimizer or setting that keeps it on the per-call kernels.
     */
    String whyNotResident(Trainer trainer);

    /**
     * The device-resident form of {@code trainer}'s step for batches of up to {@code maxBatch}
     * rows; throws if {@link #whyNotResident} gives a reason, or if it does not fit in the
     * device's memory (naming the sizes).
     */
    ResidentStep residentStep(Trainer trainer, int maxBatch);
}
