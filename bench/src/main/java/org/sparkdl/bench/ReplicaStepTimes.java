package org.sparkdl.bench;

import java.util.*;
import org.sparkdl.core.kernels.*;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Trainer;

/**
 * Milliseconds per CNN-S training step on one batch, repeated: {@code one} (one thread), {@code
 * layers} (one model, each layer's batch split over 2 threads), {@code batch} (the batch split over
 * 2 per-thread replicas, {@code DataParallel}), {@code two} (two independent single-threaded
 * trainers, each on the whole batch: what local[2] runs). Args: mode, steps, batch.
 */
public final class ReplicaStepTimes {
    private ReplicaStepTimes() {}

    public static void main(String[] a) throws InterruptedException {
        String mode = a[0];
        int steps = Integer.parseInt(a[1]);
        int batch = a.length > 2 ? Integer.parseInt(a[2]) : 64;
        int threads = mode.equals("one") ? 1 : 2;
        CpuKernels k = new CpuKernels(threads);
        Sequential m = ModelSpec.parse(ModelSpec.CNN_S).build(new int[] {1, 28, 28}, k, 1);
        Trainer t = new Trainer(
                m,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 1e-3).create(m.params()),
                LearningRateSchedule.constant(1e-3),
                0);
        if (mode.equals("batch")) {
            List<Sequential> r = new ArrayList<>();
            for (int i = 0; i < 2; i++)
                r.add(ModelSpec.parse(ModelSpec.CNN_S).build(new int[] {1, 28, 28}, k.oneThread(), 2 + i));
            t.splitBatchesOver(r);
        }
        Random rnd = new Random(1);
        float[] x = new float[batch * 784];
        for (int i = 0; i < x.length; i++) x[i] = rnd.nextFloat();
        float[] y = new float[batch];
        for (int i = 0; i < batch; i++) y[i] = rnd.nextInt(10);
        Tensor X = Tensor.of(x, batch, 784), Y = Tensor.of(y, batch);
        if (mode.equals("two")) {}
        if (mode.equals("two")) {
            Trainer[] ts = new Trainer[2];
            for (int i = 0; i < 2; i++) {
                Sequential mm = ModelSpec.parse(ModelSpec.CNN_S).build(new int[] {1, 28, 28}, new CpuKernels(1), 1);
                ts[i] = new Trainer(
                        mm,
                        new SoftmaxCrossEntropy(),
                        OptimizerConfig.of("adam", 1e-3).create(mm.params()),
                        LearningRateSchedule.constant(1e-3),
                        0);
            }
            for (int rep = 0; rep < 4; rep++) {
                long t0 = System.nanoTime();
                Thread th = new Thread(() -> {
                    for (int s = 0; s < steps; s++) ts[1].step(X, Y);
                });
                th.start();
                for (int s = 0; s < steps; s++) ts[0].step(X, Y);
                th.join();
                System.out.printf("%s %.2f ms per 64 images%n", mode, (System.nanoTime() - t0) / 1e6 / steps / 2);
            }
            return;
        }
        for (int rep = 0; rep < 4; rep++) {
            long t0 = System.nanoTime();
            for (int s = 0; s < steps; s++) t.step(X, Y);
            System.out.printf("%s %.2f ms/step%n", mode, (System.nanoTime() - t0) / 1e6 / steps);
        }
    }
}
