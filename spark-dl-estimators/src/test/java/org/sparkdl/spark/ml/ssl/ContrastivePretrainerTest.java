package org.sparkdl.spark.ml.ssl;

import static org.apache.spark.sql.functions.rand;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.ssl.PretrainingTaskFactory;
import org.sparkdl.spark.SaveLoad;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.cnn.CNNClassifier;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * ContrastivePretrainer end to end on local Spark with 3 partitions: every method fits, the model
 * embeds, saves and loads, a linear probe leaves the encoder frozen, CNNClassifier starts from the
 * encoder, and bad input fails before training.
 */
class ContrastivePretrainerTest {
    private static final String ENCODER = "conv(8,3,pad=1) relu maxpool(2) flatten dense(16)";

    @TempDir
    Path tmp;

    @BeforeEach
    void session() {
        SparkTestSession.get();
    }

    /** Quadrant images 1×12×12 (class: the quadrant of a bright square), 20% marked for validation. */
    private static Dataset<Row> images(int n, long seed) {
        return SparkTestSession.quadrants(n, 12, seed)
                .withColumn("isVal", rand(seed).lt(0.2));
    }

    /** A pretrainer for the quadrant images: no flips (they would swap the quadrants). */
    private static ContrastivePretrainer pretrainer(String method) {
        return new ContrastivePretrainer()
                .setMethod(method)
                .setSpec(ENCODER)
                .setInputShape("1,12,12")
                .setBatchSize(32)
                .setQueueSize(128)
                .setProjectionSize(16)
                .setPrototypes(32)
                .setLocalCrops(2)
                .setFlipProbability(0)
                .setCropScaleMin(0.6)
                .setMaxEpochs(2)
                .setAveragingFrequency(4)
                .setNumPartitions(3)
                .setLabelCol("label")
                .setValidationIndicatorCol("isVal");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dcl", "moco", "dino", "rotation"})
    void everyMethodFitsOnThreePartitionsAndReportsItsFigures(String method) {
        ContrastivePretrainer pretrainer = pretrainer(method).setMaxEpochs(1);
        ContrastivePretrainerModel model = pretrainer.fit(images(300, 2));
        TrainingSummary s = model.summary();
        assertEquals(1, s.totalEpochs());
        double loss = s.history(PretrainingTaskFactory.TRAINING_LOSS)[0];
        assertTrue(Double.isFinite(loss) && loss > 0, method + " loss " + loss);
        double knn = s.history(PretrainingTaskFactory.KNN_ACCURACY)[0];
        assertTrue(knn >= 0 && knn <= 1, method + " kNN " + knn);
        assertTrue(s.history(PretrainingTaskFactory.EMBEDDING_STD)[0] > 0);
        if (method.equals("rotation")) {
            assertTrue(s.history(PretrainingTaskFactory.ROTATION_ACCURACY)[0] > 0.25);
        }
        assertEquals(method.equals("dino"), s.metricNames().contains(PretrainingTaskFactory.TEACHER_ENTROPY));
        if (method.equals("dino")) {
            double entropy = s.history(PretrainingTaskFactory.TEACHER_ENTROPY)[0];
            double uniform = Math.log(pretrainer.getPrototypes());
            assertTrue(entropy > 0 && entropy <= uniform + 1e-6, "teacher entropy " + entropy + ", ln K " + uniform);
        }
        assertEquals(16, model.embeddingSize());
    }

    @Test
    void simclrEmbedsSavesLoadsAndAFrozenLinearProbeClassifies() throws Exception {
        Dataset<Row> train = images(600, 3);
        Dataset<Row> test = images(300, 4).drop("isVal");
        ContrastivePretrainer pretrainer = pretrainer("simclr");
        ContrastivePretrainerModel model = pretrainer.fit(train);
        TrainingSummary s = model.summary();
        double[] loss = s.history(PretrainingTaskFactory.TRAINING_LOSS);
        assertTrue(loss[1] < loss[0], "loss falls: " + Arrays.toString(loss));
        assertTrue(s.history(PretrainingTaskFactory.KNN_ACCURACY)[1] > 0.5, s.toString());

        Dataset<Row> embedded = model.transform(test);
        Vector first = (Vector) embedded.select("embedding").first().get(0);
        assertEquals(16, first.size());

        // from SQL: the same embedding, row by row
        model.registerUdf(SparkTestSession.get(), "embed");
        test.limit(1).createOrReplaceTempView("ssl_images");
        assertArrayEquals(
                first.toArray(),
                ((Vector) SparkTestSession.get()
                                .sql("SELECT embed(features) FROM ssl_images")
                                .first()
                                .get(0))
                        .toArray(),
                1e-6);

        ContrastivePretrainerModel loaded = SaveLoad.roundTrip(model, tmp, ContrastivePretrainerModel::load);
        assertArrayEquals(model.weights(), loaded.weights());
        // the random-encoder baseline, rebuilt from the saved model: the weights its fit started from
        float[] initial = pretrainer.untrainedModel().weights();
        assertArrayEquals(initial, loaded.untrained().weights());
        assertFalse(Arrays.equals(initial, loaded.weights()), "the fit moved the weights");
        assertFalse(
                Arrays.equals(
                        initial,
                        pretrainer
                                .copy(new ParamMap())
                                .setSeed(pretrainer.getSeed() + 1)
                                .untrainedModel()
                                .weights()),
                "the initial weights follow the seed");
        assertArrayEquals(
                first.toArray(),
                ((Vector) loaded.transform(test).select("embedding").first().get(0)).toArray(),
                1e-6);

        // the linear probe: the pretrained model is a fitted stage, applied, never trained
        float[] before = model.weights();
        PipelineModel probe = new Pipeline()
                .setStages(new PipelineStage[] {
                    model, new LogisticRegression().setFeaturesCol("embedding").setMaxIter(100)
                })
                .fit(train);
        assertSame(model, probe.stages()[0], "the pipeline keeps the pretrained model as it is");
        assertArrayEquals(before, ((ContrastivePretrainerModel) probe.stages()[0]).weights(), "encoder frozen");
        double accuracy = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(probe.transform(test));
        assertTrue(accuracy > 0.6, "probe accuracy " + accuracy);
        PipelineModel reloaded = SaveLoad.roundTrip(probe, tmp, PipelineModel::load);
        assertEquals(
                accuracy,
                new MulticlassClassificationEvaluator()
                        .setMetricName("accuracy")
                        .evaluate(reloaded.transform(test)),
                1e-9);

        // fine-tuning from the encoder: frozen keeps its weights, unfrozen trains them
        String path = tmp.resolve("encoder").toString();
        model.write().save(path);
        int encoderState = model.weights().length;
        for (boolean frozen : new boolean[] {true, false}) {
            CNNClassificationModel cnn = new CNNClassifier()
                    .setInitialEncoder(path)
                    .setFreezeEncoder(frozen)
                    .setSpec("relu dense(4)")
                    .setMaxEpochs(1)
                    .setBatchSize(32)
                    .setNumPartitions(2)
                    .fit(train.drop("isVal"));
            assertEquals(ENCODER + " relu dense(4)", cnn.getSpec());
            assertEquals("", cnn.getInitialEncoder());
            float[] encoderPart = Arrays.copyOf(cnn.weights(), encoderState);
            assertEquals(frozen, Arrays.equals(before, encoderPart), "frozen " + frozen);
            CNNClassificationModel again = SaveLoad.roundTrip(cnn, tmp, CNNClassificationModel::load);
            assertArrayEquals(cnn.weights(), again.weights());
        }
    }

    /** The first epoch's loss of a one-partition fit on 160 images. */
    private static double firstLoss(ContrastivePretrainer p) {
        return p.setMaxEpochs(1)
                .setNumPartitions(1)
                .setValidationIndicatorCol("")
                .fit(images(160, 6))
                .summary()
                .history(PretrainingTaskFactory.TRAINING_LOSS)[0];
    }

    /** Every pretraining and augmentation param changes the fit: no param that does nothing. */
    @Test
    void everyMethodAndAugmentationParamChangesTheFit() {
        Map<String, Function<ContrastivePretrainer, ContrastivePretrainer>> simclr = new LinkedHashMap<>();
        simclr.put("temperature", p -> p.setTemperature(0.5));
        simclr.put("projectionSize", p -> p.setProjectionSize(8));
        simclr.put("headHiddenSize", p -> p.setHeadHiddenSize(24));
        simclr.put("initializer", p -> p.setInitializer("xavier_uniform"));
        simclr.put("cropScaleMin", p -> p.setCropScaleMin(0.3));
        simclr.put("cropRatioMax", p -> p.setCropRatioMax(2));
        simclr.put("flipProbability", p -> p.setFlipProbability(0.5));
        simclr.put("brightness", p -> p.setBrightness(0.1));
        simclr.put("contrast", p -> p.setContrast(0.1));
        simclr.put("jitterProbability", p -> p.setJitterProbability(0.2));
        simclr.put("blurProbability", p -> p.setBlurProbability(0.9));
        simclr.put("noiseStd", p -> p.setNoiseStd(0.2));
        simclr.put("rotationProbability", p -> p.setRotationProbability(0.5));
        simclr.put("featureStorage", p -> p.setFeatureStorage("float16")); // the quadrants' values are continuous
        simclr.put("maxBlockSizeInMB", p -> p.setMaxBlockSizeInMB(0.02)); // more chunks: another sample order
        Map<String, Function<ContrastivePretrainer, ContrastivePretrainer>> moco = new LinkedHashMap<>();
        moco.put("queueSize", p -> p.setQueueSize(64));
        moco.put("momentum", p -> p.setMomentum(0.5));
        Map<String, Function<ContrastivePretrainer, ContrastivePretrainer>> dino = new LinkedHashMap<>();
        dino.put("studentTemperature", p -> p.setStudentTemperature(0.2));
        dino.put("teacherTemperature", p -> p.setTeacherTemperature(0.07));
        dino.put(
                "teacherTemperatureWarmupEpochs",
                p -> p.setInitialTeacherTemperature(0.01).setTeacherTemperatureWarmupEpochs(1));
        dino.put("centerMomentum", p -> p.setCenterMomentum(0.5));
        dino.put("prototypes", p -> p.setPrototypes(16));
        dino.put("headHiddenSize", p -> p.setHeadHiddenSize(24));
        dino.put("localCrops", p -> p.setLocalCrops(1));
        dino.put("localCropScaleMin", p -> p.setLocalCropScaleMin(0.2));
        for (var method : Map.of("simclr", simclr, "moco", moco, "dino", dino).entrySet()) {
            double base = firstLoss(pretrainer(method.getKey()));
            for (var change : method.getValue().entrySet()) {
                double changed = firstLoss(change.getValue().apply(pretrainer(method.getKey())));
                assertTrue(
                        changed != base, method.getKey() + ": " + change.getKey() + " changed nothing (" + base + ")");
            }
        }
        // saturation and grayscale act on colour images only; their effect is ImageAugmenter's and Augmenter's tests'

        ContrastivePretrainerModel unlabelled = pretrainer("simclr")
                .setLabelCol("")
                .setEmbeddingCol("z")
                .setMaxEpochs(1)
                .fit(images(160, 6));
        assertTrue(
                Double.isNaN(unlabelled.summary().history(PretrainingTaskFactory.KNN_ACCURACY)[0]),
                "without labelCol no k-NN accuracy");
        assertTrue(
                Arrays.asList(unlabelled.transform(images(8, 7)).columns()).contains("z"),
                "embeddingCol names the output");
    }

    /**
     * The cosine momentum schedule acts from the second round of a fit on: one partition of 160
     * images, batch 32, a round per step, so the teacher's momentum rises within the first epoch.
     */
    @Test
    void theCosineMomentumScheduleChangesTheFit() {
        double cosine = firstLoss(
                pretrainer("dino").setAveragingFrequency(1).setMomentum(0.5).setMomentumSchedule("cosine"));
        double constantHalf =
                firstLoss(pretrainer("dino").setAveragingFrequency(1).setMomentum(0.5));
        assertTrue(cosine != constantHalf, "the schedule changed nothing (" + cosine + ")");
        assertEquals("constant", new ContrastivePretrainer().getMomentumSchedule(), "the default keeps the momentum");
        assertThrows(IllegalArgumentException.class, () -> pretrainer("dino").setMomentumSchedule("linear"));
    }

    /** The teacher temperature's warm-up needs both its params, and fits in the fit's epochs. */
    @Test
    void aTeacherTemperatureWarmUpNeedsItsStartAndItsEpochs() {
        Dataset<Row> data = images(64, 5);
        var noEpochs = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("dino").setInitialTeacherTemperature(0.04).fit(data));
        assertTrue(noEpochs.getMessage().contains("teacherTemperatureWarmupEpochs is 0"), noEpochs.getMessage());
        var noStart = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("dino").setTeacherTemperatureWarmupEpochs(1).fit(data));
        assertTrue(noStart.getMessage().contains("initialTeacherTemperature is not set"), noStart.getMessage());
        var tooLong = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("dino")
                        .setMaxEpochs(2)
                        .setInitialTeacherTemperature(0.04)
                        .setTeacherTemperatureWarmupEpochs(3)
                        .fit(data));
        assertTrue(tooLong.getMessage().contains("at most maxEpochs 2"), tooLong.getMessage());
        ContrastivePretrainer defaults = new ContrastivePretrainer();
        assertFalse(defaults.isDefined(defaults.initialTeacherTemperature()), "no warm-up by default");
    }

    @Test
    void badInputFailsBeforeTrainingNamingWhatIsWrong() {
        Dataset<Row> data = images(64, 5);
        var notImages = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("simclr").setFeaturesCol("label").fit(data));
        assertTrue(notImages.getMessage().contains("featuresCol 'label' must hold images"), notImages.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pretrainer("simclr").setTemperature(0));
        assertThrows(IllegalArgumentException.class, () -> pretrainer("simclr").setHeadHiddenSize(-1));
        var queue = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("moco").setQueueSize(16).fit(data));
        assertTrue(queue.getMessage().contains("queueSize 16 is smaller than batchSize 32"), queue.getMessage());
        var one = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("dcl").setBatchSize(1).fit(data));
        assertTrue(one.getMessage().contains("batchSize 1 is too small for dcl"), one.getMessage());
        var crops = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("dino").setLocalCropScaleMin(0.5).fit(data));
        assertTrue(
                crops.getMessage().contains("localCropScaleMin 0.5 must be at most localCropScaleMax 0.4"),
                crops.getMessage());
        assertThrows(IllegalArgumentException.class, () -> pretrainer("dino").setLocalCropScaleMin(0));
        var shape = assertThrows(
                Exception.class,
                () -> pretrainer("simclr").setInputShape("1,10,10").fit(data));
        String m = SparkErrors.ours(shape).getMessage();
        assertTrue(m.contains("features") && m.contains("100"), m);
        var flat = assertThrows(
                IllegalArgumentException.class,
                () -> pretrainer("simclr").setSpec("conv(4,3)").fit(data));
        assertTrue(flat.getMessage().contains("flat embedding"), flat.getMessage());
        var encoder = assertThrows(
                IllegalArgumentException.class,
                () -> new CNNClassifier()
                        .setInitialEncoder(tmp.resolve("nothing").toString())
                        .fit(data));
        assertTrue(encoder.getMessage().contains("nothing"), encoder.getMessage());
    }
}
