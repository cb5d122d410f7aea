package org.sparkdl.core.nn;

import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;

/** A layer with weights that an {@link Initializer} fills (biases start at zero). */
public interface WeightedLayer extends Layer {
    void initialize(Initializer init, SplittableRandom rng);
}
