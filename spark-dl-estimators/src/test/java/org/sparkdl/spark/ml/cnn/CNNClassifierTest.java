package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkdl.spark.SparkTestSession;

class CNNClassifierTest {
    static final String SMALL_CNN = "conv(8,3,pad=1) relu maxpool(2) conv(8,3,pad=1) relu maxpool(2) flatten dense(4)";

    @Test
    void learnsQuadrantsAndOutputsMllibColumns() {
        Dataset<Row> train = SparkTestSession.quadrants(1200, 12, 1);
        Dataset<Row> test = SparkTestSession.quadrants(300, 12, 2);
        CNNClassificationModel model = new CNNClassifier()
                .setSpec(SMALL_CNN)
                .setInputShape("1,12,12")
                .setMaxEpochs(3)
                .setBatchSize(32)
                .setAveragingFrequency(4)
                .setLearningRate(0.01)
                .fit(train);
        Dataset<Row> out = model.transform(test);
        assertTrue(List.of(out.columns())
                .containsAll(List.of("features", "label", "rawPrediction", "probability", "prediction")));
        double acc = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(out);
        assertTrue(acc > 0.9, "accuracy " + acc);
        Row r = out.first();
        Vector p = r.getAs("probability");
        assertEquals(4, p.size());
        assertEquals(1.0, p.toArray()[0] + p.toArray()[1] + p.toArray()[2] + p.toArray()[3], 1e-6);
        assertEquals(p.argmax(), (int) r.<Double>getAs("prediction").doubleValue());
        assertEquals(3, model.summary().totalEpochs());
        assertEquals(4, model.numClasses());
        assertEquals(144, model.numFeatures());
        model.summary().epochs().forEach(System.out::println);
        assertEquals(3, model.summary().toDataFrame(SparkTestSession.get()).count());
    }

    @Test
    void earlyStoppingKeepsTheBestEpochsWeights() {
        Dataset<Row> data = SparkTestSession.quadrants(600, 8, 3)
                .withColumn("isVal", org.apache.spark.sql.functions.rand(5).lt(0.3));
        CNNClassifier est = new CNNClassifier()
                .setSpec("flatten dense(16) relu dense(4)")
                .setInputShape("1,8,8")
                .setOptimizer("sgd")
                .setLearningRate(3.0) // large enough that validation accuracy does not rise every epoch
                .setMaxEpochs(12)
                .setBatchSize(16)
                .setNumPartitions(2)
                .setValidationIndicatorCol("isVal")
                .setEarlyStoppingPatience(2);
        CNNClassificationModel m = est.fit(data);
        org.sparkdl.spark.train.TrainingSummary s = m.summary();
        double[] val = s.history("validationAccuracy");
        int best = s.bestEpoch();
        for (double v : val) {
            assertTrue(val[best - 1] >= v, "kept epoch " + best + " of " + java.util.Arrays.toString(val));
        }
        if (s.stoppedEarly()) {
            assertEquals(best + 2, s.totalEpochs(), "patience 2: " + java.util.Arrays.toString(val));
        }
        // The model holds the kept epoch's weights: its accuracy on the validation rows is that epoch's.
        double acc = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(m.transform(data.filter("isVal")));
        assertEquals(val[best - 1], acc, 1e-9);

        CNNClassifier noValidation = est.copy(new org.apache.spark.ml.param.ParamMap());
        noValidation.clear(noValidation.validationIndicatorCol());
        var e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> noValidation.fit(data));
        assertTrue(e.getMessage().contains("validationIndicatorCol"), e.getMessage());
    }

    /** false keeps each partition's optimizer moments (a LOCAL slot): a different, still learning model. */
    @Test
    void averageOptimizerStateChangesTraining() {
        Dataset<Row> data = SparkTestSession.quadrants(400, 8, 4).repartition(2);
        CNNClassifier est = new CNNClassifier()
                .setSpec("flatten dense(8) relu dense(4)")
                .setInputShape("1,8,8")
                .setOptimizer("adam")
                .setLearningRate(0.01)
                .setMaxEpochs(2)
                .setBatchSize(16)
                .setAveragingFrequency(2)
                .setNumPartitions(2);
        float[] averaged = est.fit(data).weights();
        CNNClassificationModel local = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setAverageOptimizerState(false)
                .fit(data);
        assertTrue(!java.util.Arrays.equals(averaged, local.weights()), "averageOptimizerState must change training");
        double[] loss = local.summary().trainingLossHistory();
        assertTrue(loss[1] < loss[0], "still learns: " + java.util.Arrays.toString(loss));
    }

    /**
     * featureStorage: 8-bit pixels pack as bytes under auto, exactly (the same model as float32 at a
     * quarter of the bytes); float16 rounds other values; a small maxBlockSizeInMB splits the data
     * into more chunks than replicas, and the fit still learns.
     */
    @Test
    void packedStorageAndChunksTrainAsExpected() {
        Dataset<Row> noisy = SparkTestSession.quadrants(400, 8, 6); // continuous values
        // The same images as 8-bit pixels: 256 distinct values at most.
        Dataset<Row> data = noisy.map(
                (org.apache.spark.api.java.function.MapFunction<Row, Row>) r -> {
                    double[] x = ((Vector) r.get(0)).toArray();
                    for (int i = 0; i < x.length; i++) {
                        x[i] = Math.round(x[i] * 255) / 255.0;
                    }
                    return org.apache.spark.sql.RowFactory.create(
                            org.apache.spark.ml.linalg.Vectors.dense(x), r.getDouble(1));
                },
                org.apache.spark.sql.Encoders.row(noisy.schema()));
        CNNClassifier est = new CNNClassifier()
                .setSpec("flatten dense(8) relu dense(4)")
                .setInputShape("1,8,8")
                .setLearningRate(0.01)
                .setMaxEpochs(2)
                .setBatchSize(16)
                .setNumPartitions(2);
        CNNClassificationModel f32 = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setFeatureStorage("float32")
                .fit(data);
        CNNClassificationModel auto = est.fit(data);
        assertTrue(java.util.Arrays.equals(f32.weights(), auto.weights()), "bytes are exact");
        double f32Bytes = f32.summary().dataFigure(org.sparkdl.spark.train.TrainingSummary.DATA_PACKED_BYTES);
        double autoBytes = auto.summary().dataFigure(org.sparkdl.spark.train.TrainingSummary.DATA_PACKED_BYTES);
        assertEquals(400 * 65 * 4.0, f32Bytes); // 64 pixels and a label, 4 bytes each
        assertTrue(autoBytes < f32Bytes * 0.3, autoBytes + " packed bytes against " + f32Bytes);

        CNNClassificationModel noisyF32 = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setFeatureStorage("float32")
                .fit(noisy);
        CNNClassificationModel half = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setFeatureStorage("float16")
                .fit(noisy);
        assertTrue(!java.util.Arrays.equals(noisyF32.weights(), half.weights()), "float16 rounds the values");
        assertEquals(
                400 * (64 * 2 + 4.0),
                half.summary().dataFigure(org.sparkdl.spark.train.TrainingSummary.DATA_PACKED_BYTES));
        double[] loss = half.summary().trainingLossHistory();
        assertTrue(loss[1] < loss[0], "float16 still learns: " + java.util.Arrays.toString(loss));

        // 400 rows of (64 + 1) × 4 bytes in blocks of at most 0.02 MB: 2 replicas × 1 chunk would not do.
        CNNClassificationModel chunked = est.copy(new org.apache.spark.ml.param.ParamMap())
                .setMaxBlockSizeInMB(0.02)
                .fit(data);
        assertEquals(6.0, chunked.summary().dataFigure(org.sparkdl.spark.train.TrainingSummary.DATA_CHUNKS));
        double[] chunkedLoss = chunked.summary().trainingLossHistory();
        assertTrue(chunkedLoss[1] < chunkedLoss[0], "chunks still learn: " + java.util.Arrays.toString(chunkedLoss));

        org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> est.setFeatureStorage("int8"));
    }
}
