package org.sparkdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;

/** Models built from specs learn: XOR with an MLP, a synthetic image task with a small CNN. */
class LearningTest {
    @Test
    void mlpLearnsXor() {
        Sequential m = ModelSpec.parse("dense(8) tanh dense(2)").build(new int[] {2}, new CpuKernels(), 7);
        Trainer t = new Trainer(
                m,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 0.05).create(m.params()),
                LearningRateSchedule.constant(0.05),
                0);
        Tensor x = Tensor.of(new float[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor y = Tensor.of(new float[] {0, 1, 1, 0}, 4);
        float first = t.step(x, y);
        float last = first;
        for (int i = 0; i < 300; i++) {
            last = t.step(x, y);
        }
        assertTrue(last < 0.05 && last < first, "XOR loss " + first + " -> " + last);
        assertEquals(1.0, Evaluation.accuracy(m, x.data(), new int[] {0, 1, 1, 0}, 4));
    }

    /**
     * 12×12 images with a bright 3×3 square in one quadrant on noise; the class is the quadrant.
     */
    static float[][] quadrants(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[n * 144];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int q = rng.nextInt(4);
            y[i] = q;
            for (int p = 0; p < 144; p++) {
                x[i * 144 + p] = (float) rng.nextDouble(0, 0.3);
            }
            int r0 = (q / 2) * 6 + rng.nextInt(4);
            int c0 = (q % 2) * 6 + rng.nextInt(4);
            for (int r = r0; r < r0 + 3; r++) {
                for (int c = c0; c < c0 + 3; c++) {
                    x[i * 144 + r * 12 + c] = 1f;
                }
            }
        }
        return new float[][] {x, y};
    }

    @Test
    void smallCnnLearnsWhichQuadrantHoldsTheSquare() {
        Sequential m = ModelSpec.parse(
                        "conv(8,3,pad=1) relu maxpool(2) conv(8,3,pad=1) relu maxpool(2) flatten" + " dense(4)")
                .build(new int[] {1, 12, 12}, new CpuKernels(), 11);
        Trainer t = new Trainer(
                m,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 0.01).create(m.params()),
                LearningRateSchedule.constant(0.01),
                5.0);
        float[][] train = quadrants(1024, 1);
        float[][] test = quadrants(400, 2);
        MiniBatches batches = new MiniBatches(DataBlock.ofFeaturesAndLabels(train[0], train[1], 144));
        SplittableRandom rng = new SplittableRandom(3);
        for (int epoch = 0; epoch < 4; epoch++) {
            batches.shuffle(rng);
            for (int b = 0; b < batches.batches(32); b++) {
                DataBlock batch = batches.batch(b, 32);
                t.step(
                        batch.tensor(Columns.FEATURES, new int[] {1, 12, 12}),
                        Tensor.of(batch.column(Columns.LABEL).floats(), batch.size()));
            }
        }
        int[] labels = new int[400];
        for (int i = 0; i < 400; i++) {
            labels[i] = (int) test[1][i];
        }
        double acc = Evaluation.accuracy(m, test[0], labels, 100);
        assertTrue(acc > 0.95, "held-out accuracy " + acc);
    }
}
