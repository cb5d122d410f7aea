package org.sparkdl.core.ssl;

import org.sparkdl.core.augment.Augmenter;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Evaluation;
import org.sparkdl.core.train.Figures;

/**
 * Rotation prediction (Gidaris et al., 2018): one augmented view of each image, turned by 0°, 90°,
 * 180° and 270°; the head classifies the turn. No state beyond the network and optimizer.
 */
final class RotationTask extends PretrainingTask {
    /** Figures: rotations classified right. */
    static final String CORRECT = "rotationCorrect";

    private final SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
    private final int[] shape;
    private float[] turned = new float[0];
    private float[] labels = new float[0];

    RotationTask(PretrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(config, averageOptimizerState, kernels);
        this.shape = config.encoder().inputShape();
    }

    @Override
    protected double methodStep(DataBlock batch, Figures figures) {
        int n = batch.size();
        int r = PretrainingConfig.ROTATIONS;
        int per = Shapes.size(shape);
        float[] view = views(batch, 0, 1, 1).data(); // [N, C, H, W]
        if (turned.length != r * n * per) {
            turned = new float[r * n * per];
            labels = new float[r * n];
        }
        for (int q = 0; q < r; q++) { // block q: every image turned q quarter turns
            for (int i = 0; i < n; i++) {
                Augmenter.rotate90(view, i * per, shape[0], shape[1], shape[2], q, turned, (q * n + i) * per);
                labels[q * n + i] = q;
            }
        }
        Tensor logits = forward(Tensor.of(turned, Shapes.withBatch(r * n, shape))); // [4N, 4]
        float l = loss.forward(logits, Tensor.of(labels, r * n));
        figures.add(CORRECT, Evaluation.correct(logits, labels));
        backwardAndUpdate(loss.backward());
        return l;
    }
}
