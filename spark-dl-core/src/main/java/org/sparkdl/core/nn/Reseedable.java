package org.sparkdl.core.nn;

/**
 * A layer that draws random numbers in training (dropout masks): a data-parallel replica restarts
 * each one's sequence from its own seed, so replicas draw different masks and a run is repeatable.
 */
public interface Reseedable {
    /** Restarts the random sequence from {@code seed}. */
    void reseed(long seed);
}
