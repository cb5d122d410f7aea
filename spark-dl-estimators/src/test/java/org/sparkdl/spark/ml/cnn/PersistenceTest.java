package org.sparkdl.spark.ml.cnn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.spark.SaveLoad;
import org.sparkdl.spark.SparkTestSession;

/** Save/load in MLlib's layout, in the style of Spark's DefaultReadWriteTest. */
class PersistenceTest {
    @TempDir
    Path tmp;

    @org.junit.jupiter.api.BeforeEach
    void session() {
        SparkTestSession.get();
    }

    @Test
    void estimatorRoundTripsWithEveryParam() throws IOException {
        CNNClassifier c = new CNNClassifier()
                .setSpec("flatten dense(4)")
                .setInputShape("1,8,8")
                .setScheduleMilestones(new int[] {2, 4})
                .setSchedule("step")
                .setCheckpointDir(tmp.resolve("ck").toString())
                .setValidationIndicatorCol("v");
        c.setThresholds(new double[] {0.2, 0.3, 0.4, 0.1});
        SaveLoad.roundTrip(c, tmp, CNNClassifier::load);
    }

    @Test
    void pipelineWithMllibAndSparkDlStagesPredictsIdenticallyAfterLoadInAFreshSession() throws IOException {
        Dataset<Row> data = SparkTestSession.quadrants(400, 8, 3)
                .withColumn(
                        "labelName", concat(lit("q"), col("label").cast("int").cast("string")))
                .drop("label");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("labelName").setOutputCol("label"),
            SavedPipelines.centering(),
            SavedPipelines.cnnOnCentered("conv(4,3,pad=1) batchnorm relu maxpool(2) flatten dense(4)")
                    .setBatchSize(32)
        });
        PipelineModel fitted = pipeline.fit(data);
        List<Row> before =
                fitted.transform(data).select("probability", "prediction").collectAsList();
        String path = tmp.resolve("pipeline").toString();
        fitted.write().save(path);
        CNNClassificationModel cnn = (CNNClassificationModel) fitted.stages()[2];
        float[] weights = cnn.weights();

        SparkTestSession.restart(); // a fresh SparkSession and SparkContext
        Dataset<Row> again = SparkTestSession.quadrants(400, 8, 3)
                .withColumn(
                        "labelName", concat(lit("q"), col("label").cast("int").cast("string")))
                .drop("label");
        PipelineModel loaded = PipelineModel.load(path);
        CNNClassificationModel loadedCnn = (CNNClassificationModel) loaded.stages()[2];
        assertArrayEquals(weights, loadedCnn.weights());
        assertEquals(cnn.getSpec(), loadedCnn.getSpec());
        List<Row> after =
                loaded.transform(again).select("probability", "prediction").collectAsList();
        assertEquals(before.size(), after.size());
        long differ = java.util.stream.IntStream.range(0, before.size())
                .filter(i -> !before.get(i).equals(after.get(i)))
                .count();
        assertEquals(
                0,
                differ,
                differ + " rows predicted differently after loading, e.g. " + before.get(0) + " vs " + after.get(0));
    }

    @Test
    void modelRoundTripsAndCopiesKeepWeights() throws IOException {
        CNNClassificationModel m = new CNNClassifier()
                .setSpec("flatten dense(6) relu dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(1)
                .fit(SparkTestSession.quadrants(100, 8, 4));
        CNNClassificationModel loaded = SaveLoad.roundTrip(m, tmp, CNNClassificationModel::load);
        assertArrayEquals(m.weights(), loaded.weights());
        assertTrue(!loaded.hasSummary());
        CNNClassificationModel copy = m.copy(new ParamMap());
        assertArrayEquals(m.weights(), copy.weights());
        assertEquals(m.uid(), copy.uid());
    }

    @Test
    void corruptOrForeignDirectoriesFailClearly() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> CNNClassificationModel.load(empty.toString()));
        assertTrue(e.getMessage().contains("not a saved CNNClassificationModel"), e.getMessage());

        // A directory holding a Java-serialised object where the weights should be: never deserialised.
        CNNClassificationModel m = new CNNClassifier()
                .setSpec("flatten dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(1)
                .fit(SparkTestSession.quadrants(64, 8, 4));
        String path = tmp.resolve("model").toString();
        m.write().save(path);
        Path data = Path.of(path, "data");
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
        Files.createDirectories(data);
        try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(data.resolve("part-0.parquet")))) {
            out.writeObject(new java.util.ArrayList<>(List.of("not", "weights")));
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> CNNClassificationModel.load(path));
        assertTrue(bad.getMessage().contains("cannot read the weights table"), bad.getMessage());

        // Weights saved for another spec.
        CNNClassificationModel other = new CNNClassifier()
                .setSpec("flatten dense(5) relu dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(1)
                .fit(SparkTestSession.quadrants(64, 8, 4));
        String otherPath = tmp.resolve("other").toString();
        other.write().save(otherPath);
        Path metadata = Path.of(path, "metadata");
        try (var files = Files.walk(Path.of(otherPath, "data"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target =
                        data.resolve(Path.of(otherPath, "data").relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.deleteIfExists(data.resolve("part-0.parquet"));
        assertTrue(Files.isDirectory(metadata));
        var mismatch = assertThrows(IllegalArgumentException.class, () -> CNNClassificationModel.load(path));
        assertTrue(mismatch.getMessage().contains("tensor '1.weight'"), mismatch.getMessage());
    }

    /** A pipeline saved by release 0.1.0 (test resources, saved-0.1.0/README.md) loads and predicts as it did. */
    @Test
    void pipelineSavedByTheFirstReleaseLoadsAndPredictsTheSame() throws IOException {
        SavedPipelines.assertLoadsAndPredictsAsSaved(Path.of("src/test/resources/saved-0.1.0"));
    }

    @Test
    void theWrongReaderOrCorruptMetadataSayWhatAndWhere() throws IOException {
        CNNClassificationModel m = new CNNClassifier()
                .setSpec("flatten dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(1)
                .fit(SparkTestSession.quadrants(64, 8, 4));
        String path = tmp.resolve("model").toString();
        m.write().save(path);
        var e = assertThrows(IllegalArgumentException.class, () -> CNNClassifier.load(path));
        assertTrue(
                e.getMessage().contains("holds a saved " + CNNClassificationModel.class.getName())
                        && e.getMessage().contains("not a " + CNNClassifier.class.getName()),
                e.getMessage());
        assertTrue(Files.exists(Path.of(path, "layout.json")), "the tensors' layout is written beside them");

        Path metadata = Path.of(path, "metadata");
        try (var files = Files.list(metadata)) {
            for (Path f : (Iterable<Path>)
                    files.filter(f -> f.getFileName().toString().startsWith("part-"))::iterator) {
                Files.write(f, new byte[] {(byte) 0x9c, 0x01, 0x7f, 0x00, 0x22});
            }
        }
        var bad = assertThrows(IllegalArgumentException.class, () -> CNNClassificationModel.load(path));
        assertTrue(
                bad.getMessage().contains("cannot read the metadata")
                        && bad.getMessage().contains(path),
                bad.getMessage());
        assertTrue(!new CNNClassifier().explainParams().contains("[I@"), "no array default printed as [I@");
    }
}
