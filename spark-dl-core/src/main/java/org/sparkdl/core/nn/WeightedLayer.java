package org.sparkdl.core.nn;

import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;

/** A layer with weights that an {@link Initializer} fills (biases too: {@link Initializer#fillBias}). */
public interface WeightedLayer extends Layer {
    void initialize(Initializer init, SplittableRandom rng);
}
