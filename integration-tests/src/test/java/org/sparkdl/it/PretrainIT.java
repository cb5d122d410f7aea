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

/**
 * Self-supervised pretraining through spark-submit of the assembly on local[2]: {@code pretrain}
 * with SimCLR on unlabelled Fashion-MNIST images, the linear probe on its embeddings beside the
 * raw-pixel and untrained-encoder probes, the same probe again by {@code evaluate} of the saved
 * encoder, then {@code train} of a classifier that starts from the saved encoder.
 */
class PretrainIT {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void requirements() {
        Processes.requireAssembly();
        assertTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist");
    }

    @Test
    void simclrPretrainsProbesAndAClassifierStartsFromTheEncoder() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs"))) {
            String out = tmp.resolve("simclr").toString();
            Processes.Jvm pretrain = ps.sparkSubmit(
                    "pretrain",
                    "local[2]",
                    "pretrain",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    "3000",
                    "--method",
                    "simclr",
                    "--epochs",
                    "1",
                    "--probe-iterations",
                    "50",
                    "--baselines",
                    "--output",
                    out);
            assertEquals(0, pretrain.exit(Duration.ofMinutes(5)), pretrain.tail());
            String json = pretrain.jsonLine();
            assertTrue(ClusterIT.number(json, "probe_accuracy") > 0.6, json);
            assertTrue(ClusterIT.number(json, "raw_pixel_probe") > 0.5, json);
            assertTrue(ClusterIT.number(json, "random_encoder_probe") > 0.5, json);
            assertTrue(ClusterIT.number(json, "knn_accuracy") > 0.4, json);
            assertTrue(Files.size(Path.of(out, "training-curves.png")) > 1000, "training curves drawn");

            // evaluate of the saved encoder: the same probe (the baselines' rebuild: ContrastivePretrainerTest)
            Processes.Jvm evaluate = ps.sparkSubmit(
                    "evaluate",
                    "local[2]",
                    "evaluate",
                    "--model",
                    out + "/model",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    "3000",
                    "--probe-iterations",
                    "50");
            assertEquals(0, evaluate.exit(Duration.ofMinutes(5)), evaluate.tail());
            String probes = evaluate.jsonLine();
            assertEquals(
                    ClusterIT.number(json, "probe_accuracy"),
                    ClusterIT.number(probes, "probe_accuracy"),
                    0.005,
                    "pretrain " + json + ", evaluate " + probes);
            assertEquals(500, ClusterIT.number(probes, "rows"), probes);

            Processes.Jvm fineTune = ps.sparkSubmit(
                    "fine-tune",
                    "local[2]",
                    "train",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    "1200",
                    "--initial-encoder",
                    out + "/model",
                    "--spec",
                    "relu dense(10)",
                    "--epochs",
                    "2",
                    "--output",
                    tmp.resolve("fine-tuned").toString());
            assertEquals(0, fineTune.exit(Duration.ofMinutes(5)), fineTune.tail());
            assertTrue(ClusterIT.number(fineTune.jsonLine(), "test_accuracy") > 0.5, fineTune.jsonLine());
        }
    }
}
