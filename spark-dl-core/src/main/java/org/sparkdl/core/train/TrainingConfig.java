package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Arrays;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.Loss;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;

/**
 * Everything a replica needs to train, as plain values that travel to executors: the spec and
 * input shape, loss, optimizer, clipping, batch size, initialiser and seed.
 */
public record TrainingConfig(
        String spec,
        int[] inputShape,
        String loss,
        OptimizerConfig optimizer,
        double clipNorm,
        int batchSize,
        String initializer,
        long seed)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public TrainingConfig {
        inputShape = inputShape.clone();
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
    }

    /** A freshly initialised model (weights from the seed). */
    public Sequential buildModel(Kernels kernels) {
        return ModelSpec.parse(spec).build(inputShape, kernels, Initializer.parse(initializer), Seeds.weights(seed));
    }

    public Optimizer buildOptimizer(Sequential model) {
        return optimizer.create(model.params());
    }

    public Loss buildLoss() {
        return Loss.parse(loss);
    }

    /** A key identifying replicas that can be reused for this configuration. */
    public String replicaKey() {
        return spec + "|" + Arrays.toString(inputShape) + "|" + loss + "|" + optimizer + "|" + clipNorm + "|"
                + initializer;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainingConfig c
                && replicaKey().equals(c.replicaKey())
                && batchSize == c.batchSize
                && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return replicaKey().hashCode() * 31 + batchSize;
    }

    @Override
    public String toString() {
        return "TrainingConfig[" + replicaKey() + ", batch " + batchSize + ", seed " + seed + "]";
    }
}
