package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Trainer;

/** A batch split over per-thread replicas computes what the model alone computes. */
class DataParallelTest {
    private static final String CONV = "conv(3,3,pad=1) relu maxpool(2) flatten dense(5) tanh dense(3)";
    private static final int[] IMAGE = {2, 6, 6};

    private static Sequential build(String spec, int[] shape, int threads, long seed) {
        return ModelSpec.parse(spec).build(shape, new CpuKernels(threads), seed);
    }

    private static List<Sequential> replicas(String spec, int[] shape, int count) {
        List<Sequential> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(build(spec, shape, 1, 100 + i)); // other initial weights: the model's must be copied in
        }
        return out;
    }

    @Test
    void outputsGradientsAndInputGradientsAreTheModels() {
        Sequential alone = build(CONV, IMAGE, 1, 7);
        Sequential master = build(CONV, IMAGE, 2, 7);
        DataParallel parallel = new DataParallel(master, replicas(CONV, IMAGE, 3));
        alone.setInputGradient(true);
        parallel.setInputGradient(true);
        Tensor x = randn(8, 7, 2, 6, 6); // 7 rows over 3 replicas: shares of 2, 2 and 3
        Tensor g = randn(9, 7, 3);

        Tensor expected = alone.forward(x, true);
        Tensor actual = parallel.forward(x, true);
        assertArrayEquals(expected.shape(), actual.shape());
        assertArrayEquals(expected.data(), actual.data(), 1e-5f);

        Tensor expectedIn = alone.backward(g);
        Tensor actualIn = parallel.backward(g);
        assertArrayEquals(expectedIn.data(), actualIn.data(), 1e-5f);
        for (int j = 0; j < alone.params().size(); j++) {
            assertArrayEquals(
                    alone.params().get(j).gradData(),
                    master.params().get(j).gradData(),
                    1e-5f,
                    alone.params().get(j).name());
        }
    }

    @Test
    void gradientsAddToTheModelsAsALayersDo() {
        Sequential master = build(CONV, IMAGE, 1, 7);
        DataParallel parallel = new DataParallel(master, replicas(CONV, IMAGE, 2));
        Tensor x = randn(10, 4, 2, 6, 6);
        Tensor g = randn(11, 4, 3);
        parallel.forward(x, true);
        parallel.backward(g);
        float[] once = master.params().get(0).gradData().clone();
        parallel.forward(x, true);
        parallel.backward(g);
        float[] twice = master.params().get(0).gradData();
        for (int k = 0; k < once.length; k++) {
            assertEquals(2 * once[k], twice[k], 1e-5f);
        }
    }

    @Test
    void batchNormStatisticsAreTheMeanOfTheShares() {
        String spec = "conv(4,3,pad=1) batchnorm relu flatten dense(3)";
        Sequential master = build(spec, IMAGE, 1, 7);
        List<Sequential> reps = replicas(spec, IMAGE, 2);
        DataParallel parallel = new DataParallel(master, reps);
        float[] before = master.buffers().get(0).data().clone();
        parallel.forward(randn(12, 6, 2, 6, 6), true);

        float[] mean = master.buffers().get(0).data();
        assertFalse(Arrays.equals(before, mean), "the running mean did not move");
        for (int k = 0; k < mean.length; k++) {
            float expected = (reps.get(0).buffers().get(0).data()[k]
                            + reps.get(1).buffers().get(0).data()[k])
                    / 2;
            assertEquals(expected, mean[k], 1e-6f);
        }
    }

    @Test
    void aBatchSmallerThanTheReplicasUsesOneReplicaPerRow() {
        Sequential alone = build(CONV, IMAGE, 1, 7);
        DataParallel parallel = new DataParallel(build(CONV, IMAGE, 1, 7), replicas(CONV, IMAGE, 3));
        Tensor x = randn(13, 2, 2, 6, 6);
        assertArrayEquals(
                alone.forward(x, true).data(), parallel.forward(x, true).data(), 1e-5f);
    }

    @Test
    void badInputIsNamedByTheCallersRowNumber() {
        DataParallel parallel = new DataParallel(build(CONV, IMAGE, 1, 7), replicas(CONV, IMAGE, 2));
        Tensor x = randn(14, 6, 2, 6, 6);
        x.data()[5 * 72 + 3] = Float.NaN; // row 5: row 2 of the second replica's share
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parallel.forward(x, true));
        assertTrue(e.getMessage().contains("input row 5 "), e.getMessage());
    }

    @Test
    void aReplicaOfAnotherArchitectureIsRefused() {
        Sequential master = build(CONV, IMAGE, 1, 7);
        List<Sequential> reps =
                List.of(build(CONV, IMAGE, 1, 8), build("conv(4,3,pad=1) relu flatten dense(3)", IMAGE, 1, 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DataParallel(master, reps));
        assertTrue(e.getMessage().contains("replica 1"), e.getMessage());
    }

    @Test
    void aTrainerWithReplicasTrainsAsWithout() {
        Trainer alone = trainer(CONV, IMAGE, 1);
        Trainer split = trainer(CONV, IMAGE, 1);
        split.splitBatchesOver(replicas(CONV, IMAGE, 2));
        Tensor x = randn(15, 9, 2, 6, 6);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 0, 1, 2, 0, 1, 2}, 9);
        for (int s = 0; s < 3; s++) {
            assertEquals(alone.step(x, y), split.step(x, y), 1e-5f);
            assertEquals(alone.lastCorrect(y), split.lastCorrect(y));
        }
        assertArrayEquals(alone.model().state(), split.model().state(), 1e-5f);
    }

    @Test
    void recurrentReplicasCarryTheirOwnRowsStateAcrossSteps() {
        String spec = "lstm(6) last dense(3)";
        int[] shape = {4, 2};
        Trainer alone = trainer(spec, shape, 1);
        Trainer split = trainer(spec, shape, 1);
        split.splitBatchesOver(replicas(spec, shape, 2));
        alone.setCarryState(true);
        split.setCarryState(true);
        Tensor y = Tensor.of(new float[] {0, 1, 2, 1, 0}, 5);
        for (int s = 0; s < 3; s++) {
            Tensor x = randn(16 + s, 5, 4, 2).withLengths(new int[] {4, 2, 3, 4, 1});
            assertEquals(alone.step(x, y), split.step(x, y), 1e-5f, "step " + s);
        }
        assertArrayEquals(alone.model().state(), split.model().state(), 1e-5f);
    }

    private static Trainer trainer(String spec, int[] shape, int threads) {
        Sequential m = build(spec, shape, threads, 7);
        return new Trainer(
                m,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("sgd", 0.1).create(m.params()),
                LearningRateSchedule.constant(0.1),
                0);
    }
}
