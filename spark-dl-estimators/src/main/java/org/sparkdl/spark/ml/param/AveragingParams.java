package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Params;

/**
 * The params of data-parallel training: batches, epochs, parameter averaging, partitions, seed, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class AveragingParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final IntParam batchSize;
    final IntParam maxEpochs;
    final IntParam averagingFrequency;
    final BooleanParam averageOptimizerState;
    final IntParam numPartitions;
    final LongParam seed;
    final DoubleParam divergenceFactor;

    AveragingParams(Params p) {
        batchSize = new IntParam(p, "batchSize", "mini-batch size per partition (>= 1)", Validators.intAtLeast(1));
        maxEpochs = new IntParam(p, "maxEpochs", "passes over the training data (>= 1)", Validators.intAtLeast(1));
        averagingFrequency = new IntParam(
                p,
                "averagingFrequency",
                "local mini-batch steps per partition between parameter averagings (>= 1)",
                Validators.intAtLeast(1));
        averageOptimizerState = new BooleanParam(
                p,
                "averageOptimizerState",
                "average the optimizer state (step count, momentum, Adam moments) across partitions each round like the weights; false: each partition keeps its own");
        numPartitions = new IntParam(
                p,
                "numPartitions",
                "partitions (parallel replicas) to train with; 0 = Spark's default parallelism",
                Validators.intAtLeast(0));
        seed = new LongParam(p, "seed", "random seed: weights, shuffles, dropout");

        p.setDefault(batchSize, 64);
        p.setDefault(maxEpochs, 5);
        p.setDefault(averagingFrequency, 16);
        p.setDefault(averageOptimizerState, true);
        p.setDefault(numPartitions, 0);
        divergenceFactor = new DoubleParam(
                p,
                "divergenceFactor",
                "stop the fit when a round's training loss exceeds this many times the loss before the first"
                        + " step, or is not finite (> 1)",
                Validators.doubleAbove(1));

        p.setDefault(seed, 42L);
        p.setDefault(divergenceFactor, 10.0);
    }
}
