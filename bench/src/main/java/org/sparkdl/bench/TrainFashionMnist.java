package org.sparkdl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.kernels.Blas;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.CurvesChart;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Evaluation;
import org.sparkdl.core.train.MiniBatches;
import org.sparkdl.core.train.ResidentBackend;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.datasets.FashionMnist;

/**
 * Trains a spec on Fashion-MNIST in one JVM with the core alone (no Spark): the single-machine
 * reference that the Spark estimator is measured against. Prints one line per epoch, writes the
 * loss/accuracy curves as a PNG, and ends with one JSON line of metrics.
 *
 * <p>Options: {@code --epochs 2 --batch 64 --lr 0.001 --optimizer adam --spec "<spec>" --threads 2
 * --limit 60000 --data /usr/share/datasets/fashion-mnist --output target/fashion-mnist-core --seed 1
 * --backend cpu --split-test 0}; with {@code --backend opencl} the steps stay on the device where the
 * spec allows; {@code --split-test 8000} trains on the test set's first 8,000 images and tests on
 * the other 2,000, for a machine that has only the test files.
 */
public final class TrainFashionMnist {
    private TrainFashionMnist() {}

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        FashionMnist.Images train;
        FashionMnist.Images test = FashionMnist.load(o.data, FashionMnist.Split.TEST);
        if (o.splitTest > 0) {
            // a machine that cannot hold the training set: the test set's first images train, the rest test
            train = test.slice(0, o.splitTest);
            test = test.slice(o.splitTest, test.size());
        } else {
            train = FashionMnist.load(o.data, FashionMnist.Split.TRAIN).head(o.limit);
        }
        Backends.Choice backend = Backends.choose(o.backend, o.threads);
        Kernels kernels = backend.create();
        Sequential model = ModelSpec.parse(o.spec).build(new int[] {1, 28, 28}, kernels, o.seed);
        System.out.println("spark-dl core training on Fashion-MNIST: " + train.size() + " train / " + test.size()
                + " test images, BLAS " + Blas.implementation() + ", " + o.threads + " threads, kernels "
                + kernels.name() + " (" + backend.reason() + ")");
        System.out.print(model.summary());
        Trainer trainer = new Trainer(
                model,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of(o.optimizer, o.lr).create(model.params()).runOn(kernels),
                LearningRateSchedule.constant(o.lr),
                0);
        if (kernels instanceof ResidentBackend device) {
            String why = device.whyNotResident(trainer);
            if (why == null) {
                trainer.keepOnDevice(device.residentStep(trainer, o.batch));
                System.out.println(
                        "steps resident on the device: " + trainer.resident().describe());
            } else {
                System.out.println("steps through per-call kernels: " + why);
            }
        }
        MiniBatches batches = new MiniBatches(
                DataBlock.ofFeaturesAndLabels(train.pixels(), train.labelsAsFloats(), FashionMnist.PIXELS));
        SplittableRandom rng = new SplittableRandom(o.seed);
        List<Double> losses = new ArrayList<>();
        List<Double> trainAcc = new ArrayList<>();
        List<Double> testAcc = new ArrayList<>();
        double trainSeconds = 0;
        for (int epoch = 0; epoch < o.epochs; epoch++) {
            trainer.startEpoch(epoch);
            batches.shuffle(rng);
            long t0 = System.nanoTime();
            double sum = 0;
            int nb = batches.batches(o.batch);
            for (int b = 0; b < nb; b++) {
                DataBlock batch = batches.batch(b, o.batch);
                sum += trainer.step(
                        batch.tensor(Columns.FEATURES, new int[] {FashionMnist.PIXELS}),
                        Tensor.of(batch.column(Columns.LABEL).floats(), batch.size()));
            }
            trainer.syncHost(); // the device's weights, for the host's evaluation below
            double seconds = (System.nanoTime() - t0) / 1e9;
            trainSeconds += seconds;
            losses.add(sum / nb);
            int sample = Math.min(10_000, train.size());
            trainAcc.add(
                    Evaluation.accuracy(model, train.pixels(), java.util.Arrays.copyOf(train.labels(), sample), 256));
            testAcc.add(Evaluation.accuracy(model, test.pixels(), test.labels(), 256));
            System.gc(); // the heap after an epoch: it must not grow from epoch to epoch
            Runtime rt = Runtime.getRuntime();
            System.out.printf(
                    Locale.ROOT,
                    "epoch %d/%d  loss %.4f  train acc %.4f  test acc %.4f  %.1f s  %.0f images/s  heap %.0f MB%n",
                    epoch + 1,
                    o.epochs,
                    losses.get(epoch),
                    trainAcc.get(epoch),
                    testAcc.get(epoch),
                    seconds,
                    train.size() / seconds,
                    (rt.totalMemory() - rt.freeMemory()) / 1e6);
        }
        Files.createDirectories(o.output);
        Path png = o.output.resolve("training-curves.png");
        try (OutputStream out = Files.newOutputStream(png)) {
            new CurvesChart("Fashion-MNIST, " + o.spec)
                    .loss("training loss", losses)
                    .accuracy("train accuracy", trainAcc)
                    .accuracy("test accuracy", testAcc)
                    .writePng(out);
        }
        System.out.println("training curves: " + png);
        System.out.printf(
                Locale.ROOT,
                "{\"test_accuracy\": %.4f, \"train_seconds\": %.1f, \"images_per_second\": %.0f, \"epochs\": %d,"
                        + " \"batch_size\": %d, \"threads\": %d, \"kernels\": \"%s\", \"resident\": %s}%n",
                testAcc.get(testAcc.size() - 1),
                trainSeconds,
                (double) train.size() * o.epochs / trainSeconds,
                o.epochs,
                o.batch,
                o.threads,
                kernels.name(),
                trainer.resident() != null);
    }

    /** Command-line options with their defaults. */
    private static final class Options {
        int epochs = 2;
        int batch = 64;
        double lr = 1e-3;
        String optimizer = "adam";
        String backend = "cpu";
        int splitTest;
        String spec = ModelSpec.CNN_S;
        int threads = Runtime.getRuntime().availableProcessors();
        int limit = 60_000;
        long seed = 1;
        Path data = FashionMnist.DEBIAN_DIR;
        Path output = Path.of("target/fashion-mnist-core");

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String key = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + key + " needs a value");
                }
                String v = args[++i];
                switch (key) {
                    case "--epochs" -> o.epochs = Integer.parseInt(v);
                    case "--batch" -> o.batch = Integer.parseInt(v);
                    case "--lr" -> o.lr = Double.parseDouble(v);
                    case "--optimizer" -> o.optimizer = v;
                    case "--spec" -> o.spec = v;
                    case "--threads" -> o.threads = Integer.parseInt(v);
                    case "--limit" -> o.limit = Integer.parseInt(v);
                    case "--seed" -> o.seed = Long.parseLong(v);
                    case "--data" -> o.data = Path.of(v);
                    case "--output" -> o.output = Path.of(v);
                    case "--backend" -> o.backend = v;
                    case "--split-test" -> o.splitTest = Integer.parseInt(v);
                    default ->
                        throw new IllegalArgumentException("unknown option " + key + "; expected --epochs,"
                                + " --batch, --lr, --optimizer, --spec, --threads, --limit, --seed, --data, --output, --backend,"
                                + " --split-test");
                }
            }
            if (o.epochs < 1 || o.batch < 1 || o.threads < 1 || o.limit < 1) {
                throw new IllegalArgumentException("--epochs, --batch, --threads and --limit must be positive");
            }
            return o;
        }
    }
}
