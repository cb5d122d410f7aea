package org.sparkdl.spark.ml.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.spark.SaveLoad;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.SparkTestSession;

class ImageAugmenterTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void session() {
        SparkTestSession.get();
    }

    /** 12 random 3×6×6 images, labelled 0..11 so that rows can be matched after a shuffle. */
    private static Dataset<Row> images() {
        SplittableRandom r = new SplittableRandom(5);
        double[][] x = new double[12][3 * 6 * 6];
        double[] labels = new double[12];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                x[i][j] = r.nextDouble();
            }
            labels[i] = i;
        }
        return SparkTestSession.rows(x, labels);
    }

    private static Map<Double, double[]> byLabel(Dataset<Row> out, String column) {
        Map<Double, double[]> m = new TreeMap<>();
        for (Row row : out.select("label", column).collectAsList()) {
            m.put(row.getDouble(0), ((Vector) row.get(1)).toArray());
        }
        return m;
    }

    private static void assertSame(Map<Double, double[]> a, Map<Double, double[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (Double k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), "row " + k);
        }
    }

    @Test
    void viewsAreReproducibleWhateverThePartitioning() throws IOException {
        Dataset<Row> data = images().repartition(1);
        ImageAugmenter aug = new ImageAugmenter().setInputShape("3,6,6").setNoiseStd(0.05);
        Map<Double, double[]> first = byLabel(aug.transform(data), "augmented");
        assertSame(first, byLabel(aug.transform(data), "augmented"));
        assertSame(first, byLabel(aug.transform(data.repartition(3)), "augmented"));
        Map<Double, double[]> input = byLabel(data, "features");
        for (Double k : first.keySet()) {
            assertEquals(input.get(k).length, first.get(k).length);
            assertFalse(Arrays.equals(input.get(k), first.get(k)), "row " + k + " is not augmented");
        }
        Map<Double, double[]> other = byLabel(
                aug.copy(new org.apache.spark.ml.param.ParamMap()).setSeed(7).transform(data), "augmented");
        assertFalse(Arrays.equals(first.get(0.0), other.get(0.0)), "another seed, another view");
        // No augmentation is the identity.
        Map<Double, double[]> none = byLabel(
                new ImageAugmenter()
                        .setInputShape("3,6,6")
                        .setAugmentation(Augmentation.none())
                        .transform(data),
                "augmented");
        for (Double k : none.keySet()) {
            assertArrayEquals(input.get(k), none.get(k), 1e-6);
        }

        // Saved alone and inside a PipelineModel, it gives the same views.
        SaveLoad.roundTrip(aug, tmp, ImageAugmenter::load);
        PipelineModel model =
                new Pipeline().setStages(new PipelineStage[] {aug}).fit(data);
        String path = tmp.resolve("pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        ImageAugmenter stage = (ImageAugmenter) loaded.stages()[0];
        assertEquals(0.05, stage.getNoiseStd());
        assertEquals(aug.augmentation(), stage.augmentation());
        assertSame(first, byLabel(loaded.transform(data), "augmented"));
    }

    @Test
    void streamingFramesGetTheSameViewsAsBatchOnes() throws Exception {
        Dataset<Row> data = images();
        String dir = tmp.resolve("in").toString();
        data.write().parquet(dir);
        ImageAugmenter aug = new ImageAugmenter().setInputShape("3,6,6").setSeed(3);
        Dataset<Row> stream =
                SparkTestSession.get().readStream().schema(data.schema()).parquet(dir);
        assertTrue(stream.isStreaming());
        StreamingQuery q = aug.transform(stream)
                .writeStream()
                .format("memory")
                .queryName("augmented_views")
                .trigger(Trigger.AvailableNow())
                .option("checkpointLocation", tmp.resolve("checkpoint").toString())
                .start();
        q.awaitTermination();
        assertSame(
                byLabel(aug.transform(data), "augmented"),
                byLabel(SparkTestSession.get().table("augmented_views"), "augmented"));
    }

    @Test
    void badColumnsShapesAndStrengthsFailNamingWhatIsWrong() {
        Dataset<Row> data = images();
        ImageAugmenter aug = new ImageAugmenter().setInputShape("3,6,6");
        expect(
                "'nope'",
                () -> aug.copy(new org.apache.spark.ml.param.ParamMap())
                        .setInputCol("nope")
                        .transform(data));
        expect(
                "'label'",
                () -> new ImageAugmenter()
                        .setInputShape("3,6,6")
                        .setInputCol("label")
                        .transform(data));
        expect(
                "'features'",
                () -> new ImageAugmenter()
                        .setInputShape("3,6,6")
                        .setOutputCol("features")
                        .transform(data));
        expect("inputShape", () -> new ImageAugmenter().transform(data));
        expect("C,H,W", () -> new ImageAugmenter().setInputShape("108"));
        expect(
                "cropScaleMax",
                () -> new ImageAugmenter()
                        .setInputShape("3,6,6")
                        .setCropScaleMin(0.9)
                        .setCropScaleMax(0.5)
                        .transform(data));
        assertThrows(IllegalArgumentException.class, () -> new ImageAugmenter().setBrightness(1.0));
        Exception e = assertThrows(
                Exception.class,
                () -> new ImageAugmenter()
                        .setInputShape("3,5,5")
                        .transform(data)
                        .collectAsList());
        Throwable ours = SparkErrors.ours(e);
        assertNotNull(ours, e.toString());
        for (String part : List.of("'features'", "size 108", "3,5,5", "75")) {
            assertTrue(ours.getMessage().contains(part), ours.getMessage());
        }
    }

    private static void expect(String part, org.junit.jupiter.api.function.Executable run) {
        var e = assertThrows(IllegalArgumentException.class, run);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
