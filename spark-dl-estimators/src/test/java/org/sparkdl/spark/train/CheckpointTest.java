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

    private static CNNClassifier classifier(String dir, int epochs) {
        return new CNNClassifier()
                .setSpec("conv(4,3,pad=1) relu maxpool(2) flatten dropout(0.2) dense(4)")
                .setInputShape("1,8,8")
                .setBatchSize(16)
                .setAveragingFrequency(3)
                .setMaxEpochs(epochs)
                .setNumPartitions(2)
                .setCheckpointDir(dir);
    }

    private static List<String> names(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void resumedRunEqualsAnUninterruptedOneAndHalfWrittenCheckpointsAreIgnored() throws IOException {
        Dataset<Row> data = SparkTestSession.quadrants(240, 8, 9).coalesce(2).cache();
        String dir = tmp.resolve("ck").toString();
        classifier(dir, 2).fit(data);
        assertEquals(List.of("epoch-00001", "epoch-00002"), names(Path.of(dir)));

        // What a crash leaves behind: a temporary directory and a renamed one without its marker.
        Files.createDirectories(Path.of(dir, "_tmp-epoch-00009-crashed", "state"));
        Files.writeString(Path.of(dir, "_tmp-epoch-00009-crashed", "state", "part-0.parquet"), "half");
        Files.createDirectories(Path.of(dir, "epoch-00008", "state"));

        CNNClassificationModel resumed = classifier(dir, 3).fit(data);
        assertEquals(3, resumed.summary().totalEpochs());
        CNNClassificationModel straight =
                classifier(tmp.resolve("other").toString(), 3).fit(data);
        assertArrayEquals(straight.weights(), resumed.weights(), "resuming must continue the same trajectory");
        assertEquals(
                straight.summary().epochs().get(0).trainingLoss(),
                resumed.summary().epochs().get(0).trainingLoss(),
                1e-12,
                "the restored summary");
        assertTrue(names(Path.of(dir)).contains("epoch-00003"));
        assertTrue(names(Path.of(dir)).stream().noneMatch(n -> n.startsWith("_tmp")), "crash leftovers are removed");
    }

    @Test
    void aCheckpointOfAnotherConfigurationIsRefused() {
        Dataset<Row> data = SparkTestSession.quadrants(64, 8, 9);
        String dir = tmp.resolve("ck").toString();
        classifier(dir, 1).fit(data);
        Exception e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier(dir, 2).setLearningRate(0.5).fit(data));
        assertTrue(e.getMessage().contains("different model or configuration"), e.getMessage());
    }
}
