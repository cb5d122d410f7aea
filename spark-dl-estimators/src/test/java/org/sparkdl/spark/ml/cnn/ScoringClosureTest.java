package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.spark.SparkTestSession;

/**
 * What a scoring task carries: the model's params and a broadcast handle, not its weights (CNN-S:
 * 3.4 MB, which Spark used to serialise into every task of every transform), with the same scores.
 */
class ScoringClosureTest {
    private static final String CNN_S =
            "conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(256) relu dense(10)";

    private static int serialisedBytes(Object o) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        return bytes.size();
    }

    @Test
    void transformsClosureHoldsNoWeightsAndScoresTheSame() throws IOException {
        int size = ModelSpec.parse(CNN_S)
                .build(new int[] {1, 28, 28}, new CpuKernels(), 0)
                .stateSize();
        float[] weights = new float[size];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < size; i++) {
            weights[i] = (float) (rng.nextGaussian() * 0.05);
        }
        CNNClassificationModel model = new CNNClassificationModel("cnnS", weights);
        model.set(model.spec(), CNN_S);
        model.set(model.inputShape(), "1,28,28");

        int whole = serialisedBytes(model);
        int scorer = serialisedBytes(model.forScoring(SparkTestSession.get()));
        assertTrue(whole > size * 4, "the model itself carries its " + size + " weights: " + whole + " bytes");
        assertTrue(scorer < 64 * 1024, "the scoring copy carries params and a handle: " + scorer + " bytes");

        List<Row> rows = model.transform(org.sparkdl.datasets.FashionMnistFrames.toFrame(
                        SparkTestSession.get(), randomImages(6), new int[6], 784))
                .select("features", "rawPrediction")
                .collectAsList();
        for (Row r : rows) {
            Vector raw = r.getAs(1);
            assertArrayEquals(model.predictRaw(r.getAs(0)).toArray(), raw.toArray(), 1e-6);
        }
    }

    private static float[] randomImages(int n) {
        float[] x = new float[n * 784];
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextInt(256) / 255f;
        }
        return x;
    }
}
