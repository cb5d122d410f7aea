package org.sparkdl.core.ssl;

import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.ContrastiveLoss;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;

/**
 * SimCLR, or with the decoupled loss DCL: two augmented views of each of N images, one forward
 * over the 2N views, NT-Xent (or DCL) with cosine similarity; every other view of the batch is a
 * negative. No state beyond the network and optimizer.
 */
final class SimClrTask extends PretrainingTask {
    private final ContrastiveLoss loss;

    SimClrTask(PretrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(config, averageOptimizerState, kernels);
        this.loss = new ContrastiveLoss(config.temperature(), config.method() == PretrainingMethod.DCL);
    }

    @Override
    protected double methodStep(DataBlock batch, Figures figures) {
        Tensor z = forward(views(batch, 0, 2, 2)); // [2N, P]: rows i and i+N are views of image i
        float l = loss.forward(z);
        backwardAndUpdate(loss.backward());
        return l;
    }
}
