package org.sparkdl.bench;

import java.util.Locale;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.ResidentStep;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.opencl.OpenClKernels;

/**
 * CNN-S training steps (Adam) kept on the OpenCL device: time per step, images/s and GFLOP/s, the
 * bytes each step moves, and what an averaging round's state transfer adds (every {@code
 * averaging} steps the state comes down and goes back up, as the engine's rounds do).
 *
 * <p>Usage: {@code java -cp ... org.sparkdl.bench.ResidentStepTimes [batch=256] [steps=50]
 * [averaging=16]}. Each step ends by downloading its loss, so a step's time includes the device's
 * work on it: no step is timed while the device still works on it.
 */
public final class ResidentStepTimes {
    private ResidentStepTimes() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int averaging = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        OpenClKernels kernels = new OpenClKernels();
        Sequential model = CnnS.build(kernels, 1);
        Trainer trainer = new Trainer(
                model,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 1e-3).create(model.params()),
                LearningRateSchedule.constant(1e-3),
                0);
        String why = kernels.whyNotResident(trainer);
        if (why != null) {
            throw new IllegalStateException("CNN-S should run resident: " + why);
        }
        trainer.keepOnDevice(kernels.residentStep(trainer, batch));
        ResidentStep step = trainer.resident();
        System.out.println("resident: " + step.describe());
        int size = Shapes.size(CnnS.INPUT);
        Tensor x = Tensor.of(KernelBenchmarks.random(batch * size, 3), Shapes.withBatch(batch, CnnS.INPUT));
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
        Tensor y = Tensor.of(labels, batch);
        int warmup = Math.max(5, steps / 5);
        for (int s = 0; s < warmup; s++) {
            trainer.step(x, y);
        }
        trainer.syncHost();
        long up = step.uploadedBytes();
        long down = step.downloadedBytes();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            trainer.step(x, y);
        }
        long stepsNs = System.nanoTime() - t0;
        double upPerStep = (step.uploadedBytes() - up) / (double) steps;
        double downPerStep = (step.downloadedBytes() - down) / (double) steps;
        // Rounds: the same steps with the state down and up every `averaging` steps.
        long r0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            trainer.step(x, y);
            if ((s + 1) % averaging == 0) {
                trainer.syncHost();
                trainer.hostStateChanged();
            }
        }
        long roundsNs = System.nanoTime() - r0;
        System.out.printf(
                Locale.ROOT,
                "CNN-S resident step, batch %d: %.3f ms/step, %.0f images/s, %.1f GFLOP/s%n",
                batch,
                stepsNs / 1e6 / steps,
                batch * steps / (stepsNs / 1e9),
                CnnS.trainFlopsPerImage() * batch * steps / stepsNs);
        System.out.printf(
                Locale.ROOT,
                "per step: %.0f bytes up (the batch: %d), %.0f bytes down%n",
                upPerStep,
                4L * batch * (size + 1),
                downPerStep);
        System.out.printf(
                Locale.ROOT,
                "with the state down and up every %d steps: %.3f ms/step, %.0f images/s (state %.2f MB each way)%n",
                averaging,
                roundsNs / 1e6 / steps,
                batch * steps / (roundsNs / 1e9),
                4e-6 * (model.stateSize() + trainer.optimizer().stateSize()));
        System.out.println("arena lost and recovered: " + step.recoveries());
    }
}
