package org.sparkdl.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.cnn.CNNClassifier;

class CheckpointTest {
    @TempDir
    Path tmp;

    /** @param dir the checkpointDir, or null for none */
    private static CNNClassifier classifier(String dir, int epochs) {
        CNNClassifier c = new CNNClassifier()
                .setSpec("conv(4,3,pad=1) relu maxpool(2) flatten dropout(0.2) dense(4)")
                .setInputShape("1,8,8")
                .setBatchSize(16)
                .setAveragingFrequency(3)
                .setMaxEpochs(epochs)
                .setNumPartitions(2);
        return dir == null ? c : c.setCheckpointDir(dir);
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The one run directory under a checkpointDir. */
    private static Path run(String dir) throws IOException {
        List<String> runs = names(Path.of(dir));
        assertEquals(1, runs.size(), "" + runs);
        assertTrue(runs.get(0).startsWith("run-"), runs.get(0));
        return Path.of(dir, runs.get(0));
    }

    @Test
    void resumedRunEqualsAnUninterruptedOneAndHalfWrittenCheckpointsAreIgnored() throws IOException {
        Dataset<Row> data = SparkTestSession.quadrants(240, 8, 9).coalesce(2).cache();
        String top = tmp.resolve("ck").toString();
        classifier(top, 2).fit(data);
        Path dir = run(top);
        assertEquals(List.of("epoch-00001", "epoch-00002"), names(dir));

        // What a crash leaves behind: a temporary directory and a renamed one without its marker.
        Files.createDirectories(dir.resolve("_tmp-epoch-00009-crashed").resolve("state"));
        Files.writeString(
                dir.resolve("_tmp-epoch-00009-crashed").resolve("state").resolve("part-0.parquet"), "half");
        Files.createDirectories(dir.resolve("epoch-00008").resolve("state"));

        CNNClassificationModel resumed = classifier(top, 3).fit(data);
        assertEquals(3, resumed.summary().totalEpochs());
        CNNClassificationModel straight =
                classifier(tmp.resolve("other").toString(), 3).fit(data);
        assertArrayEquals(straight.weights(), resumed.weights(), "resuming must continue the same trajectory");
        assertEquals(
                straight.summary().epochs().get(0).trainingLoss(),
                resumed.summary().epochs().get(0).trainingLoss(),
                1e-12,
                "the restored summary");
        assertTrue(names(dir).contains("epoch-00003"));
        assertTrue(names(dir).stream().noneMatch(n -> n.startsWith("_tmp")), "crash leftovers are removed");
    }

    /** Other data or another configuration never resumes a checkpoint: each trains in its own run directory. */
    @Test
    void otherDataOrConfigurationTrainsAfreshAndMaxEpochsBelowTheCheckpointIsRefused() throws IOException {
        Dataset<Row> data = SparkTestSession.quadrants(96, 8, 9).coalesce(2).cache();
        Dataset<Row> other = SparkTestSession.quadrants(96, 8, 10).coalesce(2).cache();
        String dir = tmp.resolve("ck").toString();
        CNNClassificationModel first = classifier(dir, 2).fit(data);
        CNNClassificationModel onOther = classifier(dir, 2).fit(other);
        CNNClassificationModel fresh =
                classifier(tmp.resolve("fresh").toString(), 2).fit(other);
        assertArrayEquals(fresh.weights(), onOther.weights(), "other data: trained from scratch, not resumed");
        assertTrue(!java.util.Arrays.equals(first.weights(), onOther.weights()));
        CNNClassificationModel otherLr = classifier(dir, 2).setLearningRate(0.5).fit(data);
        assertTrue(!java.util.Arrays.equals(first.weights(), otherLr.weights()), "another configuration");
        assertEquals(3, names(Path.of(dir)).size(), "one run directory each: " + names(Path.of(dir)));

        Exception e = assertThrows(
                IllegalArgumentException.class, () -> classifier(dir, 1).fit(data));
        assertTrue(e.getMessage().contains("trained for 2 epochs, more than maxEpochs 1"), e.getMessage());

        // overwrite drops this run's checkpoints and trains again, to the same model (same seed).
        CNNClassificationModel again =
                classifier(dir, 1).setCheckpointPolicy("overwrite").fit(data);
        assertEquals(1, again.summary().totalEpochs());
        assertArrayEquals(classifier(tmp.resolve("one").toString(), 1).fit(data).weights(), again.weights());
    }

    @Test
    void anUnwritableCheckpointDirFailsBeforeTraining() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        long t0 = System.nanoTime();
        Exception e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier(file.resolve("sub").toString(), 1).fit(SparkTestSession.quadrants(64, 8, 9)));
        assertTrue(e.getMessage().contains("checkpointDir") && e.getMessage().contains("not writable"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 20, "fails before training");
    }

    /** Inside a CrossValidator each fold and param map trains on its own: the same metrics as without checkpoints. */
    @Test
    void crossValidatorWithACheckpointDirMatchesOneWithout() {
        Dataset<Row> data = SparkTestSession.quadrants(240, 8, 12).cache();
        org.apache.spark.ml.tuning.CrossValidatorModel with =
                crossValidate(data, tmp.resolve("cv").toString());
        org.apache.spark.ml.tuning.CrossValidatorModel without = crossValidate(data, null);
        assertArrayEquals(without.avgMetrics(), with.avgMetrics(), 1e-12);
        assertArrayEquals(
                ((CNNClassificationModel) without.bestModel()).weights(),
                ((CNNClassificationModel) with.bestModel()).weights());
    }

    private static org.apache.spark.ml.tuning.CrossValidatorModel crossValidate(Dataset<Row> data, String dir) {
        CNNClassifier cnn = classifier(dir, 2);
        org.apache.spark.ml.param.ParamMap[] grid = new org.apache.spark.ml.tuning.ParamGridBuilder()
                .addGrid(cnn.learningRate(), new double[] {1e-3, 1e-2})
                .build();
        return new org.apache.spark.ml.tuning.CrossValidator()
                .setEstimator(cnn)
                .setEstimatorParamMaps(grid)
                .setEvaluator(new org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator()
                        .setMetricName("accuracy"))
                .setNumFolds(3)
                .setSeed(1)
                .fit(data);
    }
}
