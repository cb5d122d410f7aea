package org.sparkdl.bench;

import java.util.Locale;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.ResidentStep;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.opencl.OpenClKernels;

/**
 * Training steps (Adam; CNN-S unless a spec is given) kept on the OpenCL device: time per step, samples/s and GFLOP/s, the
 * bytes each step moves, and what an averaging round's state transfer adds (every {@code
 * averaging} steps the state comes down and goes back up, as the engine's rounds do).
 *
 * <p>Usage: {@code java -cp ... org.sparkdl.bench.ResidentStepTimes [batch=256] [steps=50]
 * [averaging=16] [spec] [inputShape]}, e.g. {@code 256 50 16 "lstm(128) last dense(10)" 28,28} for
 * the recurrent row classifier. Each step ends by downloading its loss, so a step's time includes
 * the device's work on it: no step is timed while the device still works on it.
 */
public final class ResidentStepTimes {
    private ResidentStepTimes() {}

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 256;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        int averaging = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        OpenClKernels kernels = new OpenClKernels();
        String spec = args.length > 3 ? args[3] : null;
        int[] shape = args.length > 4 ? Shapes.parse(args[4]) : CnnS.INPUT;
        Sequential model = spec != null
                ? ModelSpec.parse(spec).build(shape, kernels, Initializer.parse("he_normal"), 1)
                : CnnS.build(kernels, 1);
        String name = spec != null ? "'" + spec + "'" : "CNN-S";
        Trainer trainer = new Trainer(
                model,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 1e-3).create(model.params()),
                LearningRateSchedule.constant(1e-3),
                0);
        String why = kernels.whyNotResident(trainer);
        if (why != null) {
            throw new IllegalStateException(name + " does not run resident: " + why);
        }
        trainer.keepOnDevice(kernels.residentStep(trainer, batch));
        ResidentStep step = trainer.resident();
        System.out.println("resident: " + step.describe());
        int size = Shapes.size(shape);
        Tensor x = Tensor.of(KernelBenchmarks.random(batch * size, 3), Shapes.withBatch(batch, shape));
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
        long launches = kernels.launches();
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            trainer.step(x, y);
        }
        long stepsNs = System.nanoTime() - t0;
        double launchesPerStep = (kernels.launches() - launches) / (double) steps;
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
                "%s resident step, batch %d: %.3f ms/step, %.0f samples/s, %.1f GFLOP/s%n",
                name,
                batch,
                stepsNs / 1e6 / steps,
                batch * steps / (stepsNs / 1e9),
                // CNN-S's exact count; another spec: backward at twice the forward's multiply-adds
                (spec != null ? 6.0 * model.forwardMacs(shape) : CnnS.trainFlopsPerImage()) * batch * steps / stepsNs);
        System.out.printf(
                Locale.ROOT,
                "per step: %.0f bytes up (the batch: %d), %.0f bytes down, %.0f kernel launches%n",
                upPerStep,
                4L * batch * (size + 1),
                downPerStep,
                launchesPerStep);
        System.out.printf(
                Locale.ROOT,
                "with the state down and up every %d steps: %.3f ms/step, %.0f samples/s (state %.2f MB each way)%n",
                averaging,
                roundsNs / 1e6 / steps,
                batch * steps / (roundsNs / 1e9),
                4e-6 * (model.stateSize() + trainer.optimizer().stateSize()));
        System.out.println("arena lost and recovered: " + step.recoveries());
    }
}
