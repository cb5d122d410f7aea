package org.sparkdl.core.nn;

/**
 * A layer that draws random numbers in training (dropout masks): a data-parallel replica restarts
 * each one's sequence from its own seed, so replicas draw different masks and a run is repeatable.
 */
public interface Reseedable {
    /** Restarts the random sequence from {@code seed}. */
    void reseed(long seed);

    /** Reseeds every reseedable layer of {@code models}, in order, each from the next draw of {@code rng}. */
    static void reseedAll(java.util.SplittableRandom rng, java.util.List<Sequential> models) {
        for (Sequential m : models) {
            for (Layer l : m.layers()) {
                if (l instanceof Reseedable r) {
                    r.reseed(rng.nextLong());
                }
            }
        }
    }
}
