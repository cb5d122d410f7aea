package org.sparkdl.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.nio.file.Path;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.MiniBatches;
import org.sparkdl.core.train.Seeds;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.FashionMnistFrames;
import org.sparkdl.datasets.SyntheticImages;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.cnn.CNNClassifier;

/** Tests that prove the data-parallel algorithm, not just that it runs. */
class DistributedAlgorithmTest {
    private static Dataset<Row> frame(SyntheticImages.Set s, int partitions) {
        return FashionMnistFrames.toFrame(SparkTestSession.get(), s.pixels(), s.labels(), s.size() * s.size())
                .coalesce(partitions);
    }

    /** The core's plain single-machine loop with the same seeds: shuffle per epoch, Trainer.step per batch. */
    private static float[] singleMachine(TrainingConfig config, SyntheticImages.Set s, int epochs) {
        Sequential model = config.buildModel(new CpuKernels());
        Trainer trainer = new Trainer(
                model,
                config.buildLoss(),
                config.buildOptimizer(model),
                LearningRateSchedule.constant(config.optimizer().learningRate()),
                config.clipNorm());
        float[] labels = new float[s.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = s.labels()[i];
        }
        MiniBatches batches = new MiniBatches(DataBlock.ofFeaturesAndLabels(s.pixels(), labels, s.size() * s.size()));
        int b = config.batchSize();
        for (int epoch = 0; epoch < epochs; epoch++) {
            batches.resetOrder();
            batches.shuffle(new SplittableRandom(Seeds.epochOrder(config.seed(), epoch, 0)));
            for (int i = 0; i < batches.batches(b); i++) {
                DataBlock batch = batches.batch(i, b);
                trainer.step(
                        batch.tensor(Columns.FEATURES, new int[] {1, s.size(), s.size()}),
                        Tensor.of(batch.column(Columns.LABEL).floats(), batch.size()));
            }
        }
        return model.state();
    }

    @Test
    void onePartitionEqualsTheCoreSingleMachineRunExactly() {
        String spec = "conv(4,3,pad=1) batchnorm relu maxpool(2) flatten dense(4)";
        SyntheticImages.Set s = SyntheticImages.quadrants(200, 8, 5);
        CNNClassificationModel model = new CNNClassifier()
                .setSpec(spec)
                .setInputShape("1,8,8")
                .setBatchSize(16)
                .setAveragingFrequency(3)
                .setMaxEpochs(2)
                .setLearningRate(0.01)
                .setNumPartitions(1)
                .setSeed(7)
                .fit(frame(s, 1));
        TrainingConfig config = new TrainingConfig(
                spec, new int[] {1, 8, 8}, "cross_entropy", OptimizerConfig.of("adam", 0.01), 0, 16, "he_normal", 7);
        assertArrayEquals(singleMachine(config, s, 2), model.weights());
    }

    @Test
    void sgdAveragedEveryStepOverEqualPartitionsEqualsFullBatchSgd() {
        String spec = "flatten dense(8) tanh dense(4)";
        SyntheticImages.Set s = SyntheticImages.quadrants(128, 8, 6);
        CNNClassificationModel model = new CNNClassifier()
                .setSpec(spec)
                .setInputShape("1,8,8")
                .setOptimizer("sgd")
                .setLearningRate(0.1)
                .setBatchSize(32) // each of the 4 partitions holds 32 rows: one batch per epoch
                .setAveragingFrequency(1)
                .setMaxEpochs(3)
                .setNumPartitions(4)
                .setSeed(3)
                .fit(FashionMnistFrames.toFrame(SparkTestSession.get(), s.pixels(), s.labels(), 64)
                        .repartition(4));
        // Full batch: all 128 rows in one batch, so the shuffle does not matter.
        TrainingConfig full = new TrainingConfig(
                spec, new int[] {1, 8, 8}, "cross_entropy", OptimizerConfig.of("sgd", 0.1), 0, 128, "he_normal", 3);
        assertClose("weights", singleMachine(full, s, 3), model.weights(), 1e-5);
    }

    @Test
    void sameSeedAndPartitioningGiveTheSameModel() {
        SyntheticImages.Set s = SyntheticImages.quadrants(300, 8, 8);
        CNNClassifier est = new CNNClassifier()
                .setSpec("conv(4,3,pad=1) relu maxpool(2) flatten dropout(0.3) dense(4)")
                .setInputShape("1,8,8")
                .setBatchSize(16)
                .setAveragingFrequency(2)
                .setMaxEpochs(2)
                .setNumPartitions(2)
                .setSeed(11);
        float[] a = est.fit(frame(s, 2)).weights();
        float[] b = est.fit(frame(s, 2)).weights();
        assertArrayEquals(a, b);
        float[] c = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setSeed(12)
                .fit(frame(s, 2))
                .weights();
        assertTrue(!java.util.Arrays.equals(a, c), "another seed must give another model");
    }

    @Test
    void heldOutAccuracyRisesOverEpochsOnFashionMnist() throws Exception {
        Assumptions.assumeTrue(
                java.nio.file.Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        Dataset<Row> data = FashionMnistFrames.load(
                        SparkTestSession.get(),
                        Path.of(FashionMnist.DEBIAN_DIR.toString()),
                        FashionMnist.Split.TRAIN,
                        6000)
                .withColumn("isVal", org.apache.spark.sql.functions.rand(1).lt(0.2));
        CNNClassificationModel model = new CNNClassifier()
                .setSpec("conv(8,5,pad=2) relu maxpool(2) flatten dense(10)")
                .setInputShape("1,28,28")
                .setMaxEpochs(3)
                .setAveragingFrequency(8)
                .setValidationIndicatorCol("isVal")
                .fit(data);
        double[] val = model.summary().history("validationAccuracy");
        TrainingSummary summary = model.summary();
        summary.epochs().forEach(System.out::println);
        assertEquals(3, val.length);
        assertTrue(val[2] > val[0] && val[2] > 0.75, "validation accuracy per epoch " + java.util.Arrays.toString(val));
        double[] loss = summary.trainingLossHistory();
        assertTrue(loss[2] < loss[0], "training loss per epoch " + java.util.Arrays.toString(loss));
    }
}
