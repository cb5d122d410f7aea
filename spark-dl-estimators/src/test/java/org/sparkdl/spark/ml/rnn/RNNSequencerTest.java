package org.sparkdl.spark.ml.rnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.spark.SaveLoad;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.compat.ScalaCollections;

class RNNSequencerTest {
    @TempDir
    Path tmp;

    /**
     * Sequences of 2..8 steps of 2 values; the label is the sign of the LAST valid step's first
     * value, so a model that reads padding, or the wrong step, cannot learn it.
     */
    static Dataset<Row> lastStepSign(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int len = 2 + rng.nextInt(7);
            List<List<Double>> steps = new ArrayList<>();
            for (int s = 0; s < len; s++) {
                steps.add(List.of(rng.nextDouble(-1, 1), rng.nextDouble(-1, 1)));
            }
            double label = steps.get(len - 1).get(0) > 0 ? 1 : 0;
            rows.add(RowFactory.create(
                    ScalaCollections.toScala(
                            steps.stream().map(ScalaCollections::toScala).toList()),
                    label));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
                .add("label", DataTypes.DoubleType);
        return SparkTestSession.get().createDataFrame(rows, schema);
    }

    @Test
    void classifiesVariableLengthSequencesByTheirLastValidStep() {
        RNNSequencerModel model = new RNNSequencer()
                .setSpec("gru(16) last dense(2)")
                .setMaxSequenceLength(8)
                .setLearningRate(0.02)
                .setBatchSize(32)
                .setMaxEpochs(12)
                .setNumPartitions(2)
                .fit(lastStepSign(1200, 1));
        Dataset<Row> out = model.transform(lastStepSign(400, 2));
        double acc = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(out);
        assertTrue(
                acc > 0.9,
                "accuracy " + acc + ", losses "
                        + java.util.Arrays.toString(model.summary().trainingLossHistory()));
        assertEquals("8,2", model.getSequenceShape());
        assertTrue(List.of(out.columns()).containsAll(List.of("rawPrediction", "probability", "prediction")));
    }

    @Test
    void readsAVectorAsRowsOfSteps() {
        RNNSequencerModel model = new RNNSequencer()
                .setSpec("lstm(16) last dense(4)")
                .setSequenceShape("8,8")
                .setLearningRate(0.01)
                .setMaxEpochs(4)
                .setBatchSize(32)
                .fit(SparkTestSession.quadrants(800, 8, 1));
        double acc = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(model.transform(SparkTestSession.quadrants(200, 8, 2)));
        assertTrue(acc > 0.8, "accuracy " + acc);
    }

    static Dataset<Row> text(int lines) {
        String[] words = {"spark", "lstm", "model", "data", "train"};
        List<Row> rows = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < lines; i++) {
            rows.add(RowFactory.create(
                    "the " + words[rng.nextInt(words.length)] + " and the " + words[rng.nextInt(words.length)] + ".",
                    i % 10 == 0));
        }
        StructType schema = new StructType().add("text", DataTypes.StringType).add("isVal", DataTypes.BooleanType);
        return SparkTestSession.get().createDataFrame(rows, schema).coalesce(2);
    }

    @Test
    void aCharacterLanguageModelLearnsScoresGeneratesAndRoundTrips() throws Exception {
        Dataset<Row> data = text(600).cache();
        RNNSequencerModel lm = new RNNSequencer()
                .setTask("language-model")
                .setFeaturesCol("text")
                .setSpec("embedding(16, vocab={vocab}) lstm(64) dense({vocab})")
                .setSequenceLength(48)
                .setBpttLength(16)
                .setLearningRate(0.01)
                .setBatchSize(16)
                .setMaxEpochs(6)
                .setNumPartitions(2)
                .setValidationIndicatorCol("isVal")
                .fit(data);
        double[] val = lm.summary().history("validationLoss");
        assertTrue(val[val.length - 1] < 0.8 && val[val.length - 1] < val[0], java.util.Arrays.toString(val));
        assertTrue(lm.vocabulary().size() < 30, "vocabulary " + lm.vocabulary().size());
        Map<String, Double> score = lm.score(data.filter("isVal"));
        assertTrue(score.get("perplexity") < 2.5, "" + score);

        String a = lm.generate("the ", 40, 0.5, 0, 7);
        assertEquals(40, a.codePointCount(0, a.length()));
        assertEquals(a, lm.generate("the ", 40, 0.5, 0, 7), "the same seed, the same text");
        assertEquals(
                lm.generate("the ", 30, 1.0, 1, 1),
                lm.generate("the ", 30, 1.0, 1, 2),
                "topK 1 takes the likeliest character whatever the seed");

        RNNSequencerModel loaded = SaveLoad.roundTrip(lm, tmp, RNNSequencerModel::load);
        assertArrayEquals(lm.weights(), loaded.weights());
        assertArrayEquals(lm.vocabulary().codePoints(), loaded.vocabulary().codePoints());
        assertEquals(a, loaded.generate("the ", 40, 0.5, 0, 7));
        assertEquals(score.get("loss"), loaded.score(data.filter("isVal")).get("loss"), 1e-9);

        Dataset<Row> continued =
                loaded.setPromptCol("text").setGenerateLength(5).transform(data.limit(3));
        assertEquals(
                3,
                continued.select("generated").collectAsList().stream()
                        .filter(r ->
                                r.getString(0).codePointCount(0, r.getString(0).length()) == 5)
                        .count());
    }

    /**
     * A language model's text has no size bound per row: the vocabulary pass counts its characters,
     * and text larger than numPartitions blocks of maxBlockSizeInMB is cut into more chunks.
     */
    @Test
    void languageModelTextLargerThanABlockIsChunked() {
        Dataset<Row> data = text(600);
        long chars = data.collectAsList().stream()
                .mapToLong(r -> r.getString(0).length() + 1)
                .sum();
        double mb = chars * 8 / 2.5 / 2 / (1 << 20); // 8 bytes a character: 2.5 blocks' worth per replica
        RNNSequencerModel lm = new RNNSequencer()
                .setTask("language-model")
                .setFeaturesCol("text")
                .setSpec("embedding(8, vocab={vocab}) rnn(16) dense({vocab})")
                .setSequenceLength(16)
                .setBpttLength(16)
                .setBatchSize(8)
                .setMaxEpochs(2)
                .setNumPartitions(2)
                .setMaxBlockSizeInMB(mb)
                .fit(data);
        assertEquals(6.0, lm.summary().dataFigure(org.sparkdl.spark.train.TrainingSummary.DATA_CHUNKS));
        double[] loss = lm.summary().trainingLossHistory();
        assertTrue(loss[1] < loss[0], java.util.Arrays.toString(loss));
    }

    @Test
    void badSequencesAreNamedBeforeTraining() {
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType)))
                .add("label", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>(lastStepSign(20, 5).collectAsList());
        rows.set(7, RowFactory.create(seq(seq(0.1, 0.2), seq(0.3)), 1.0));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new RNNSequencer()
                        .setSpec("rnn(4) last dense(2)")
                        .setMaxSequenceLength(8)
                        .fit(SparkTestSession.get().createDataFrame(rows, schema)));
        assertTrue(e.getMessage().contains("column 'features' has a 1-value step 1 in row 7"), e.getMessage());

        var tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> new RNNSequencer()
                        .setSpec("rnn(4) last dense(2)")
                        .setMaxSequenceLength(3)
                        .fit(lastStepSign(20, 5)));
        assertTrue(tooLong.getMessage().contains("more than maxSequenceLength 3"), tooLong.getMessage());

        StructType tokens = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("label", DataTypes.DoubleType);
        var outside = assertThrows(
                IllegalArgumentException.class,
                () -> new RNNSequencer()
                        .setSpec("embedding(4, vocab=5) gru(4) last dense(2)")
                        .setMaxSequenceLength(4)
                        .fit(SparkTestSession.get()
                                .createDataFrame(
                                        List.of(RowFactory.create(seq(1, 2), 0.0), RowFactory.create(seq(3, 9), 1.0)),
                                        tokens)));
        assertTrue(outside.getMessage().contains("token id 9 at position 1 in row 1"), outside.getMessage());

        StructType texts = new StructType().add("text", DataTypes.StringType);
        var empty = assertThrows(
                IllegalArgumentException.class,
                () -> new RNNSequencer()
                        .setTask("language-model")
                        .setFeaturesCol("text")
                        .fit(SparkTestSession.get()
                                .createDataFrame(
                                        List.of(RowFactory.create("some text"), RowFactory.create("  ")), texts)));
        assertTrue(empty.getMessage().contains("column 'text' has no characters in row 1"), empty.getMessage());
    }

    @Test
    void theEstimatorRoundTripsWithEveryParam() throws Exception {
        SparkTestSession.get();
        SaveLoad.roundTrip(
                new RNNSequencer()
                        .setTask("language-model")
                        .setSpec("embedding(8, vocab={vocab}) gru(16, layers=2, dropout=0.1) dense({vocab})")
                        .setBpttLength(32)
                        .setSequenceLength(128)
                        .setTemperature(0.7),
                tmp,
                RNNSequencer::load);
    }

    /** Token-id sequences (the label: whether token 3 occurs) under a CrossValidator over the learning rate. */
    @Test
    void tokenSequencesClassifyUnderACrossValidator() {
        SplittableRandom rng = new SplittableRandom(9);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            int len = 3 + rng.nextInt(6);
            List<Integer> ids = new ArrayList<>();
            for (int s = 0; s < len; s++) {
                ids.add(rng.nextInt(5));
            }
            rows.add(RowFactory.create(ScalaCollections.toScala(ids), ids.contains(3) ? 1.0 : 0.0));
        }
        StructType schema = new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.IntegerType))
                .add("label", DataTypes.DoubleType);
        Dataset<Row> data = SparkTestSession.get().createDataFrame(rows, schema);
        RNNSequencer rnn = new RNNSequencer()
                .setSpec("embedding(8, vocab=5) gru(16) last dense(2)")
                .setMaxSequenceLength(8)
                .setMaxEpochs(6)
                .setBatchSize(16);
        org.apache.spark.ml.tuning.CrossValidatorModel cv = new org.apache.spark.ml.tuning.CrossValidator()
                .setEstimator(rnn)
                .setEstimatorParamMaps(new org.apache.spark.ml.tuning.ParamGridBuilder()
                        .addGrid(rnn.learningRate(), new double[] {1e-6, 0.02})
                        .build())
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2)
                .setSeed(1)
                .fit(data);
        double[] metrics = cv.avgMetrics();
        assertTrue(metrics[1] > 0.9 && metrics[1] > metrics[0] + 0.2, java.util.Arrays.toString(metrics));
        assertEquals(0.02, ((RNNSequencerModel) cv.bestModel()).getLearningRate());
    }

    /** vocabularySize and minCharCount bound what the vocabulary keeps; divergenceFactor is read by the driver. */
    @Test
    void vocabularyParamsBoundTheVocabulary() {
        RNNSequencer small = new RNNSequencer()
                .setTask("language-model")
                .setFeaturesCol("text")
                .setSpec("embedding(4, vocab={vocab}) rnn(8) dense({vocab})")
                .setSequenceLength(16)
                .setBpttLength(16)
                .setMaxEpochs(1)
                .setNumPartitions(1);
        assertEquals(
                6,
                small.copy(new org.apache.spark.ml.param.ParamMap())
                        .setVocabularySize(6)
                        .fit(text(200))
                        .vocabulary()
                        .size());
        // "." and the words' rarer letters occur fewer than 150 times in 200 lines: unknown
        int frequent = small.copy(new org.apache.spark.ml.param.ParamMap())
                .setMinCharCount(150)
                .fit(text(200))
                .vocabulary()
                .size();
        int all = small.fit(text(200)).vocabulary().size();
        assertTrue(frequent < all, frequent + " frequent characters of " + all);
    }

    @SafeVarargs
    private static <T> scala.collection.immutable.Seq<T> seq(T... values) {
        return ScalaCollections.toScala(List.of(values));
    }
}
