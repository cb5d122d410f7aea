package org.sparkdl.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.ssl.MomentumSchedule;
import org.sparkdl.core.ssl.PretrainingConfig;
import org.sparkdl.core.ssl.PretrainingMethod;
import org.sparkdl.core.ssl.PretrainingTask;
import org.sparkdl.core.ssl.PretrainingTaskFactory;
import org.sparkdl.core.ssl.TeacherTemperature;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MiniBatches;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.datasets.FashionMnist;

/**
 * A quick look at a pretraining method's first steps, in one JVM with the core alone: every 25
 * steps, the mean loss, the k-NN accuracy of 2,000 test images' embeddings and their spread (the
 * collapse figure). For trying a method's settings in a minute before a full run.
 *
 * <p>Options (defaults as {@code ContrastivePretrainer}'s, batch 256, 2 threads): {@code --method
 * dino --steps 150 --lr 0.001 --projection 128 --head-hidden 0} (the head's hidden width; 0:
 * the embedding's) {@code --temperature} (DINO's student temperature, else the
 * contrastive one; 0.1 for DINO, 0.2 otherwise) {@code --teacher-temperature 0.04 --momentum 0.99
 * --center-momentum 0.9 --local-crops 2 --initializer he_normal --spec <encoder>}.
 */
public final class PretrainSteps {
    private PretrainSteps() {}

    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        PretrainingMethod method = PretrainingMethod.parse(o.getOrDefault("method", "dino"));
        double lr = Double.parseDouble(o.getOrDefault("lr", "0.001"));
        int steps = Integer.parseInt(o.getOrDefault("steps", "150"));
        int batch = 256;
        TrainingConfig encoder = new TrainingConfig(
                o.getOrDefault(
                        "spec", "conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(128)"),
                new int[] {1, 28, 28},
                "cross_entropy",
                OptimizerConfig.of("adam", lr),
                0,
                batch,
                o.getOrDefault("initializer", "he_normal"),
                42);
        Augmentation global = Augmentation.simclr();
        PretrainingConfig config = new PretrainingConfig(
                method,
                encoder,
                Integer.parseInt(o.getOrDefault("projection", "128")),
                Integer.parseInt(o.getOrDefault("head-hidden", "0")),
                Double.parseDouble(o.getOrDefault("temperature", method == PretrainingMethod.DINO ? "0.1" : "0.2")),
                TeacherTemperature.constant(Double.parseDouble(o.getOrDefault("teacher-temperature", "0.04"))),
                Double.parseDouble(o.getOrDefault("momentum", "0.99")),
                MomentumSchedule.parse(o.getOrDefault("momentum-schedule", "constant")),
                Double.parseDouble(o.getOrDefault("center-momentum", "0.9")),
                4096,
                Integer.parseInt(o.getOrDefault("local-crops", "2")),
                global,
                global.withCropScale(0.05, 0.4));
        FashionMnist.Images train = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN);
        FashionMnist.Images test = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST)
                .head(2000);
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config, true);
        PretrainingTask task = factory.create(new CpuKernels(2));
        MiniBatches batches = new MiniBatches(
                DataBlock.ofFeaturesAndLabels(train.pixels(), train.labelsAsFloats(), FashionMnist.PIXELS));
        DataBlock validation = DataBlock.ofFeaturesAndLabels(test.pixels(), test.labelsAsFloats(), FashionMnist.PIXELS);
        task.setLearningRate(lr);
        task.reseed(7);
        report(task, validation, 0, Map.of(), 0);
        SplittableRandom rng = new SplittableRandom(1);
        long t0 = System.nanoTime();
        Figures figures = new Figures();
        int step = 0;
        while (step < steps) {
            batches.shuffle(rng);
            int full = train.size() / batch; // whole batches only
            for (int b = 0; b < full && step < steps; b++) {
                figures.add(Figures.LOSS_SUM, task.step(batches.batch(b, batch), figures));
                figures.add(Figures.STEPS, 1);
                task.afterStep();
                step++;
                if (step % 25 == 0) {
                    report(task, validation, step, factory.trainingMetrics(figures), (System.nanoTime() - t0) / 1e9);
                    figures = new Figures();
                }
            }
        }
    }

    private static void report(
            PretrainingTask task, DataBlock validation, int step, Map<String, Double> training, double seconds) {
        Figures f = new Figures();
        task.evaluate(validation, f);
        Double entropy = training.get(PretrainingTaskFactory.TEACHER_ENTROPY);
        System.out.printf(
                "step %d  loss %.4f  knn %.3f  embeddingStd %.4f%s  %.0f s%n",
                step,
                training.getOrDefault(PretrainingTaskFactory.TRAINING_LOSS, Double.NaN),
                f.ratio(PretrainingTask.KNN_CORRECT, PretrainingTask.KNN_LABELLED),
                f.get(PretrainingTask.EVAL_EMBEDDING_STD_SUM) / validation.size(),
                entropy == null ? "" : String.format("  teacherEntropy %.3f", entropy),
                seconds);
    }
}
