package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.FashionMnistFrames;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.cnn.CNNClassifier;
import org.sparkdl.spark.ml.rnn.RNNSequencer;

/**
 * A CNNClassifier fit and an RNNSequencer language-model fit with backend=opencl (their steps
 * resident on the device) follow the same losses as with backend=cpu.
 */
class OpenClEstimatorTest {
    private static SparkSession spark;

    private static SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void openclAndCpuBackendsTrainTheSameModel() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        Dataset<Row> data = FashionMnistFrames.load(spark(), FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN, 256)
                .coalesce(2)
                .cache();
        CNNClassifier base = new CNNClassifier()
                .setSpec("conv(4,5,pad=2) relu maxpool(2) conv(4,3,pad=1) relu maxpool(2) flatten dense(10)")
                .setInputShape("1,28,28")
                .setBatchSize(32)
                .setAveragingFrequency(2)
                .setMaxEpochs(2)
                .setNumPartitions(2);
        CNNClassificationModel cpu = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setBackend("cpu")
                .fit(data);
        CNNClassificationModel cl = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setBackend("opencl")
                .fit(data);
        double[] a = cpu.summary().trainingLossHistory();
        double[] b = cl.summary().trainingLossHistory();
        for (int e = 0; e < a.length; e++) {
            assertEquals(a[e], b[e], 1e-3 * a[e], "training loss of epoch " + (e + 1));
        }
        // backend is a training param: the model infers on auto (the CPU here: pocl is no GPU).
        assertEquals("opencl", cl.getBackend());
        assertEquals("auto", cl.getInferenceBackend());
        assertEquals(
                org.sparkdl.core.kernels.CpuKernels.class,
                cl.buildNetwork().layers().get(0) instanceof org.sparkdl.core.nn.ConvBlock blk
                        ? blk.conv().kernels().getClass()
                        : null,
                "inference kernels");
    }

    @Test
    void aLanguageModelTrainsTheSameResidentAsOnTheCpu() {
        java.util.List<Row> rows = new java.util.ArrayList<>();
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        String[] words = {"cat", "dog", "bird", "fish"};
        for (int i = 0; i < 120; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create(
                    "the " + words[rng.nextInt(4)] + " and the " + words[rng.nextInt(4)] + "."));
        }
        Dataset<Row> text = spark().createDataFrame(
                        rows,
                        new org.apache.spark.sql.types.StructType()
                                .add("text", org.apache.spark.sql.types.DataTypes.StringType))
                .coalesce(2)
                .cache();
        RNNSequencer base = new RNNSequencer()
                .setTask("language-model")
                .setFeaturesCol("text")
                .setSpec("embedding(8, vocab={vocab}) lstm(16) dense({vocab})")
                .setSequenceLength(24)
                .setBpttLength(8)
                .setLearningRate(0.01)
                .setBatchSize(8)
                .setMaxEpochs(2)
                .setNumPartitions(2);
        double[] cpu = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setBackend("cpu")
                .fit(text)
                .summary()
                .trainingLossHistory();
        double[] cl = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setBackend("opencl")
                .fit(text)
                .summary()
                .trainingLossHistory();
        assertTrue(cpu[1] < cpu[0], "the model learns: " + java.util.Arrays.toString(cpu));
        for (int e = 0; e < cpu.length; e++) {
            assertEquals(cpu[e], cl[e], 1e-3 * cpu[e], "training loss of epoch " + (e + 1));
        }
    }
}
