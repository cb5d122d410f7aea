package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.Fortunes;

/**
 * The recurrent estimators through spark-submit of the assembly on local[2]: a row-sequence
 * classifier on Fashion-MNIST (a recurrent spec to {@code train}), a character language model on
 * the fortune texts ({@code train-lm}), and {@code generate} from the saved model.
 */
class RecurrentIT {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void requirements() {
        Processes.requireAssembly();
        assertTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist");
        assertTrue(Files.isDirectory(Fortunes.DEBIAN_DIR), "apt-get install fortunes");
    }

    @Test
    void rowSequencesClassifyThroughSparkSubmit() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs-rows"))) {
            Processes.Jvm train = ps.sparkSubmit(
                    "rows",
                    "local[2]",
                    "train",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    "6000",
                    "--input-shape",
                    "28,28",
                    "--spec",
                    "lstm(32) last dense(10)",
                    "--epochs",
                    "3",
                    "--lr",
                    "0.003",
                    "--output",
                    tmp.resolve("rows").toString());
            assertEquals(0, train.exit(Duration.ofMinutes(5)), train.tail());
            assertTrue(ClusterIT.number(train.jsonLine(), "test_accuracy") > 0.6, train.jsonLine());
        }
    }

    @Test
    void aCharacterModelTrainsAndGeneratesThroughSparkSubmit() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs-lm"))) {
            String out = tmp.resolve("lm").toString();
            Processes.Jvm train = ps.sparkSubmit(
                    "train-lm",
                    "local[2]",
                    "train-lm",
                    "--data",
                    "fortunes",
                    "--epochs",
                    "1",
                    "--sequence-length",
                    "128",
                    "--bptt",
                    "32",
                    "--spec",
                    "embedding(16, vocab={vocab}) lstm(32) dense({vocab})",
                    "--lr",
                    "0.004",
                    "--output",
                    out);
            assertEquals(0, train.exit(Duration.ofMinutes(5)), train.tail());
            String json = train.jsonLine();
            assertTrue(ClusterIT.number(json, "perplexity") < 20, json);
            assertTrue(ClusterIT.number(json, "tokens_per_second") > 0, json);

            Processes.Jvm gen = ps.sparkSubmit(
                    "generate",
                    "local[2]",
                    "generate",
                    "--model",
                    out + "/model",
                    "--prompt",
                    "The ",
                    "--length",
                    "80");
            assertEquals(0, gen.exit(Duration.ofMinutes(3)), gen.tail());
            assertTrue(gen.output().contains("The "), gen.tail());
        }
    }
}
