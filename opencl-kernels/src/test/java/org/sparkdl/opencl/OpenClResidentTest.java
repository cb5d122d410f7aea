package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.ResidentStep;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;

/**
 * A training step kept on the OpenCL device (pocl here) takes the CPU's steps: the same losses and
 * the same weights after 20 steps, for every optimizer that runs there; it moves only the batch
 * up and a few bytes down per step, the state once each way per round; and it survives the loss of
 * its device memory.
 */
class OpenClResidentTest {
    /** CNN-S's layer kinds at a size pocl trains in seconds: both poolings, flatten, two dense layers. */
    private static final String SMALL =
            "conv(8,3,pad=1) relu maxpool(2) conv(12,3,pad=1) relu avgpool(2) flatten dense(24) relu dense(10)";

    private static final int[] SHAPE = {1, 12, 12};
    private static final int BATCH = 16;
    private static final int STEPS = 20;

    private static OpenClKernels cl;

    private static OpenClKernels cl() {
        if (cl == null) {
            cl = new OpenClKernels(); // throws, failing the test, when no OpenCL device exists
        }
        return cl;
    }

    /**
     * Every other layer kind that runs on the device, with gradient clipping: BatchNorm after a
     * convolution and after a dense layer, dropout, and each activation.
     */
    private static final String NORMALISED = "conv(8,3,pad=1) batchnorm relu maxpool(2) conv(12,3,pad=1)"
            + " leakyrelu(0.1) avgpool(2) flatten dense(24) batchnorm tanh dropout(0.3) dense(16) elu(0.5)"
            + " dropout(0.2) dense(16) layernorm sigmoid dense(16) gelu dense(10)";

    private static Trainer trainer(String spec, int[] shape, OptimizerConfig optimizer, Kernels kernels) {
        return trainer(spec, shape, optimizer, 0, kernels);
    }

    private static Trainer trainer(
            String spec, int[] shape, OptimizerConfig optimizer, double clipNorm, Kernels kernels) {
        TrainingConfig config =
                new TrainingConfig(spec, shape, "cross_entropy", optimizer, clipNorm, BATCH, "he_normal", 11);
        var model = config.buildModel(kernels);
        return new Trainer(
                model,
                config.buildLoss(),
                optimizer.create(model.params()),
                LearningRateSchedule.constant(optimizer.learningRate()),
                clipNorm);
    }

    /**
     * Batch {@code b}: the same values for both sides, four batches in turn (so that the model has
     * something to learn in 20 steps); the last one of a run is short.
     */
    private static Tensor[] batch(int b, int[] shape) {
        SplittableRandom rng = new SplittableRandom(100 + b % 4);
        int n = b == STEPS - 1 ? BATCH - 5 : BATCH;
        int size = shape[0] * shape[1] * shape[2];
        float[] x = new float[n * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(10);
        }
        return new Tensor[] {Tensor.of(x, n, shape[0], shape[1], shape[2]), Tensor.of(y, n)};
    }

    private static float[] run(Trainer t, int[] shape, int steps) {
        return run(t, b -> batch(b, shape), steps);
    }

    /** {@code steps} steps on batches 0, 1, ...; the losses, and the weights brought to the host. */
    private static float[] run(Trainer t, IntFunction<Tensor[]> batches, int steps) {
        float[] losses = new float[steps];
        for (int b = 0; b < steps; b++) {
            Tensor[] xy = batches.apply(b);
            losses[b] = t.step(xy[0], xy[1]);
        }
        t.syncHost();
        return losses;
    }

    private static Trainer resident(String spec, int[] shape, OptimizerConfig optimizer) {
        return resident(spec, shape, optimizer, 0);
    }

    private static Trainer resident(String spec, int[] shape, OptimizerConfig optimizer, double clipNorm) {
        Trainer t = trainer(spec, shape, optimizer, clipNorm, cl());
        assertNull(cl().whyNotResident(t), "this spec and optimizer run resident");
        t.keepOnDevice(cl().residentStep(t, BATCH));
        return t;
    }

    private static void assertSameTraining(Trainer cpu, Trainer device, float[] cpuLosses, float[] deviceLosses) {
        assertClose("losses step by step", cpuLosses, deviceLosses, 1e-4);
        float[] a = cpu.model().state();
        float[] b = device.model().state();
        assertClose("weights after " + cpuLosses.length + " steps", a, b, 1e-4);
        assertClose(
                "optimizer state", cpu.optimizer().state(), device.optimizer().state(), 1e-4);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "adam, 0, 0",
        "adamw, 0.1, 0",
        "sgd, 0, 0.01",
        "momentum, 0, 0",
        "nesterov, 0, 0.01",
        "adagrad, 0, 0",
        "rmsprop, 0, 0.01"
    })
    void stepsMatchTheCpuForEveryOptimizer(String name, double weightDecay, double l2) {
        double lr = name.startsWith("adam") || name.equals("rmsprop") ? 0.002 : 0.05;
        OptimizerConfig o =
                OptimizerConfig.of(name, lr).withWeightDecay(weightDecay).withPenalties(0, l2);
        Trainer cpu = trainer(SMALL, SHAPE, o, new CpuKernels(1, false));
        Trainer device = resident(SMALL, SHAPE, o);
        float[] cpuLosses = run(cpu, SHAPE, STEPS);
        float[] deviceLosses = run(device, SHAPE, STEPS);
        float first = cpuLosses[0] + cpuLosses[1] + cpuLosses[2] + cpuLosses[3];
        float last = cpuLosses[STEPS - 5] + cpuLosses[STEPS - 4] + cpuLosses[STEPS - 3] + cpuLosses[STEPS - 2];
        assertTrue(last < first, "the model learns the four batches");
        assertSameTraining(cpu, device, cpuLosses, deviceLosses);
    }

    @Test
    void batchNormDropoutEveryActivationAndClippingMatchTheCpu() {
        // Momentum, not Adam: a convolution's bias before a BatchNorm has a gradient of rounding
        // noise only (the normalisation removes it), which Adam would blow up to ±lr a step.
        OptimizerConfig momentum = OptimizerConfig.of("momentum", 0.05);
        Trainer cpu = trainer(NORMALISED, SHAPE, momentum, 0.05, new CpuKernels(1, false));
        Trainer device = resident(NORMALISED, SHAPE, momentum, 0.05);
        float[] deviceLosses = run(device, SHAPE, STEPS);
        assertSameTraining(cpu, device, run(cpu, SHAPE, STEPS), deviceLosses);
        // the device's reductions race nowhere: a second run gives the same losses, bit for bit
        Trainer again = resident(NORMALISED, SHAPE, momentum, 0.05);
        assertEquals(java.util.Arrays.toString(deviceLosses), java.util.Arrays.toString(run(again, SHAPE, STEPS)));
    }

    /** Sequence batch {@code b} [n, 6, 5], four in turn, with lengths 1..6 where asked. */
    private static Tensor[] sequences(int b, boolean lengths) {
        SplittableRandom rng = new SplittableRandom(200 + b % 4);
        int n = b == STEPS - 1 ? BATCH - 5 : BATCH;
        float[] x = new float[n * 6 * 5];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        float[] y = new float[n];
        int[] len = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(10);
            len[i] = 1 + rng.nextInt(6);
        }
        Tensor xt = Tensor.of(x, n, 6, 5);
        return new Tensor[] {lengths ? xt.withLengths(len) : xt, Tensor.of(y, n)};
    }

    @ParameterizedTest(name = "{0}, lengths {1}")
    @CsvSource({
        "'lstm(12, layers=2, bidirectional=true) last dense(10)', true",
        "'gru(10, bidirectional=true) last relu dense(10)', true",
        "'rnn(10, layers=2) last dense(10)', false",
        "'lstm(8) last dense(10)', false"
    })
    void recurrentTimeLoopsMatchTheCpu(String spec, boolean lengths) {
        int[] shape = {6, 5};
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.005);
        Trainer cpu = trainer(spec, shape, adam, new CpuKernels(1, false));
        Trainer device = resident(spec, shape, adam);
        float[] cpuLosses = run(cpu, b -> sequences(b, lengths), STEPS);
        float[] deviceLosses = run(device, b -> sequences(b, lengths), STEPS);
        float first = cpuLosses[0] + cpuLosses[1] + cpuLosses[2] + cpuLosses[3];
        float last = cpuLosses[STEPS - 5] + cpuLosses[STEPS - 4] + cpuLosses[STEPS - 3] + cpuLosses[STEPS - 2];
        assertTrue(last < first, "the model learns the four batches");
        assertClose("losses step by step", cpuLosses, deviceLosses, 1e-4);
        assertWithin("weights", cpu.model().state(), device.model().state(), 1e-4);
        assertWithin(
                "optimizer state", cpu.optimizer().state(), device.optimizer().state(), 1e-4);
    }

    /**
     * Truncated BPTT as the language-model task runs it: batches of 4 windows, each 3 chunks of 8
     * steps, the state carried from chunk to chunk and reset at each batch.
     */
    private static float[] languageModel(Trainer t) {
        SplittableRandom rng = new SplittableRandom(7);
        float[] losses = new float[4 * 3];
        for (int b = 0; b < 4; b++) {
            float[] text = new float[4 * 25];
            for (int i = 0; i < text.length; i++) {
                text[i] = (i % 5 + rng.nextInt(2)) % 6; // a near-periodic text, something to learn
            }
            t.resetState();
            t.setCarryState(true);
            for (int c = 0; c < 3; c++) {
                float[] x = new float[4 * 8];
                float[] y = new float[4 * 8];
                for (int i = 0; i < 4; i++) {
                    for (int s = 0; s < 8; s++) {
                        x[i * 8 + s] = text[i * 25 + c * 8 + s];
                        y[i * 8 + s] = text[i * 25 + c * 8 + s + 1];
                    }
                }
                losses[b * 3 + c] = t.step(Tensor.of(x, 4, 8), Tensor.of(y, 32));
            }
            t.setCarryState(false);
        }
        t.syncHost();
        return losses;
    }

    @Test
    void aLanguageModelCarriesItsStateOnTheDeviceAcrossChunks() {
        String spec = "embedding(8, vocab=6) lstm(16, layers=2) dense(6)";
        int[] shape = {8};
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.01);
        Trainer cpu = trainer(spec, shape, adam, new CpuKernels(1, false));
        Trainer device = resident(spec, shape, adam);
        float[] cpuLosses = languageModel(cpu);
        assertTrue(cpuLosses[11] < cpuLosses[0], "the model learns");
        assertClose("losses chunk by chunk", cpuLosses, languageModel(device), 1e-4);
        assertWithin("weights", cpu.model().state(), device.model().state(), 1e-4);
    }

    @Test
    void tokenIdsWithLengthsClassifiedOnTheDevice() {
        String spec = "embedding(8, vocab=6) gru(12, bidirectional=true) last dense(10)";
        int[] shape = {6};
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.005);
        Trainer cpu = trainer(spec, shape, adam, new CpuKernels(1, false));
        Trainer device = resident(spec, shape, adam);
        IntFunction<Tensor[]> tokens = b -> {
            Tensor[] xy = sequences(b, true);
            float[] ids = new float[xy[0].dim(0) * 6];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Math.abs(Math.round(xy[0].data()[i * 5] * 100)) % 6;
            }
            return new Tensor[] {Tensor.of(ids, xy[0].dim(0), 6).withLengths(xy[0].lengths()), xy[1]};
        };
        float[][] losses = {run(cpu, tokens, STEPS), run(device, tokens, STEPS)};
        assertClose("losses step by step", losses[0], losses[1], 1e-4);
        assertWithin("weights", cpu.model().state(), device.model().state(), 1e-4);
        Tensor bad = Tensor.of(new float[] {0, 1, 2, 9, 1, 1}, 1, 6);
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> device.step(bad, Tensor.of(new float[] {1}, 1)));
        assertTrue(e.getMessage().contains("token id 9 at sample 0, step 3"), e.getMessage());
    }

    @Test
    void theHingeLossMatchesTheCpu() {
        OptimizerConfig momentum = OptimizerConfig.of("momentum", 0.05);
        Trainer[] sides = new Trainer[2];
        Kernels[] kernels = {new CpuKernels(1, false), cl()};
        for (int side = 0; side < 2; side++) {
            TrainingConfig config = new TrainingConfig(SMALL, SHAPE, "hinge", momentum, 0, BATCH, "he_normal", 11);
            var model = config.buildModel(kernels[side]);
            sides[side] = new Trainer(
                    model, config.buildLoss(), momentum.create(model.params()), LearningRateSchedule.constant(0.05), 0);
        }
        sides[1].keepOnDevice(cl().residentStep(sides[1], BATCH));
        float[] cpuLosses = run(sides[0], SHAPE, STEPS);
        assertSameTraining(sides[0], sides[1], cpuLosses, run(sides[1], SHAPE, STEPS));
        Tensor[] xy = batch(0, SHAPE);
        sides[0].step(xy[0], xy[1]);
        sides[1].step(xy[0], xy[1]);
        assertEquals(sides[0].lastCorrect(xy[1]), sides[1].lastCorrect(xy[1]), "correct predictions");
    }

    @Test
    void cnnSStepsMatchTheCpuOverTwentySteps() {
        String cnnS = org.sparkdl.core.spec.ModelSpec.CNN_S;
        int[] shape = {1, 28, 28};
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.001);
        Trainer cpu = trainer(cnnS, shape, adam, new CpuKernels(1, false));
        Trainer device = resident(cnnS, shape, adam);
        int steps = STEPS;
        assertClose("losses step by step", run(cpu, shape, steps), run(device, shape, steps), 1e-4);
        // Adam moves a weight by about lr whatever its gradient's size, so where a gradient is a
        // sum that nearly cancels, the two sides' summation orders show: compare within 1e-4
        assertWithin("weights", cpu.model().state(), device.model().state(), 1e-4);
        assertWithin(
                "optimizer state", cpu.optimizer().state(), device.optimizer().state(), 1e-4);
    }

    private static void assertWithin(String what, float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            assertTrue(d <= tolerance, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i]);
        }
    }

    @Test
    void aStepMovesTheBatchUpAndAFewBytesDownTheStateOncePerRound() {
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.002);
        Trainer t = resident(SMALL, SHAPE, adam);
        ResidentStep step = t.resident();
        int stateBytes = 4 * (t.model().stateSize() + t.optimizer().stateSize());
        t.step(batch(0, SHAPE)[0], batch(0, SHAPE)[1]); // the first step uploads the state
        assertEquals(stateBytes + 4L * BATCH * (144 + 1), step.uploadedBytes(), "state, then one batch");
        for (int b = 1; b < 5; b++) {
            long up = step.uploadedBytes();
            long down = step.downloadedBytes();
            Tensor[] xy = batch(b, SHAPE);
            t.step(xy[0], xy[1]);
            assertEquals(4L * BATCH * (144 + 1), step.uploadedBytes() - up, "a step uploads its features and labels");
            long stepDown = step.downloadedBytes() - down;
            assertTrue(stepDown > 0 && stepDown <= 1024, "a step downloads at most 1 KB, not " + stepDown);
        }
        long down = step.downloadedBytes();
        t.syncHost();
        assertEquals(stateBytes, step.downloadedBytes() - down, "the state comes back once");
        t.syncHost();
        assertEquals(stateBytes, step.downloadedBytes() - down, "and not again while the device has not moved on");
        assertTrue(step.deviceBytes() > stateBytes, step.describe());
    }

    @Test
    void aLongRoundBringsTheStateHomeEvery64StepsToBoundWhatItKeepsToRedo() {
        Trainer t = resident(SMALL, SHAPE, OptimizerConfig.of("sgd", 0.05));
        ResidentStep step = t.resident();
        int stateBytes = 4 * (t.model().stateSize() + t.optimizer().stateSize());
        Tensor[] xy = batch(0, SHAPE);
        for (int s = 0; s < 66; s++) {
            t.step(xy[0], xy[1]);
        }
        assertEquals(66 * 16L + stateBytes, step.downloadedBytes(), "the results, and the state once at step 65");
    }

    @Test
    void aLostArenaIsNoticedAndTheStepsRedoneToTheSameResult() {
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.002);
        Trainer clean = resident(SMALL, SHAPE, adam);
        float[] expected = run(clean, SHAPE, 8);
        Trainer lossy = resident(SMALL, SHAPE, adam);
        float[] losses = new float[8];
        for (int b = 0; b < 8; b++) {
            if (b == 5) {
                ((OpenClResidentStep) lossy.resident()).loseArenaBeforeNextStep = true;
            }
            Tensor[] xy = batch(b, SHAPE);
            losses[b] = lossy.step(xy[0], xy[1]);
        }
        lossy.syncHost();
        assertEquals(1, lossy.resident().recoveries(), "the loss was noticed once");
        assertClose("losses", expected, losses, 1e-6);
        assertClose("weights", clean.model().state(), lossy.model().state(), 1e-6);
    }

    @Test
    void whatCannotStayOnTheDeviceIsNamed() {
        OptimizerConfig adam = OptimizerConfig.of("adam", 0.002);
        var model = trainer(SMALL, SHAPE, adam, cl()).model();
        Trainer bce = new Trainer(
                model,
                org.sparkdl.core.loss.Loss.parse("bce"),
                adam.create(model.params()),
                LearningRateSchedule.constant(0.002),
                0);
        String why = cl().whyNotResident(bce);
        assertNotNull(why);
        assertTrue(why.contains("bce"), why);
        why = cl().whyNotResident(
                        trainer("lstm(8, layers=2, dropout=0.3) last dense(10)", new int[] {3, 4}, adam, cl()));
        assertTrue(why.contains("dropout between stacked recurrent layers"), why);
        System.setProperty(OpenClKernels.RESIDENT_SWITCH, "false");
        try {
            why = cl().whyNotResident(trainer(SMALL, SHAPE, adam, cl()));
            assertTrue(why.contains("turned off"), why);
        } finally {
            System.clearProperty(OpenClKernels.RESIDENT_SWITCH);
        }
        assertNull(cl().whyNotResident(trainer(SMALL, SHAPE, adam, cl())), "on again");
        Trainer huge = trainer("flatten dense(10)", new int[] {1, 28, 28}, adam, cl());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> cl().residentStep(huge, 4_000_000));
        assertTrue(e.getMessage().contains("lower batchSize"), e.getMessage());
    }
}
