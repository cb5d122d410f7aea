package org.sparkdl.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** A CNNClassifier fit with backend=opencl follows the same losses as with backend=cpu. */
class OpenClEstimatorTest {
    private static SparkSession spark;

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
        spark = SparkSession.builder()
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .getOrCreate();
        Dataset<Row> data = FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN, 256)
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
}
