package org.sparkdl.core.nn;

/**
 * A layer with a state that may outlive one forward pass: a recurrent layer's final hidden (and
 * cell) state, which truncated backpropagation through time carries from one chunk of a long
 * sequence into the next.
 *
 * <p>Carrying is off by default: each forward starts from zeros. With {@code setCarryState(true)}
 * each forward starts from the final state of the previous one (the first from zeros), sample by
 * sample, so a batch of long sequences fed in consecutive time chunks gives the outputs of one long
 * forward. The carried state is a copy, detached: backward stops at the chunk's first step and no
 * gradient flows into the previous chunk. Consecutive chunks must have the same batch size, the
 * same samples in the same rows. {@link #resetState()} starts the next forward from zeros again
 * (at a new batch of sequences).
 */
public interface StatefulLayer {
    /** Whether each forward starts from the previous forward's final state; off by default. */
    void setCarryState(boolean carry);

    /** Forgets the carried state: the next forward starts from zeros. */
    void resetState();
}
