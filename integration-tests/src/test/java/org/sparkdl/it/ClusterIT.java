package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.datasets.FashionMnist;

/**
 * The assembly on real Spark processes: spark-submit on local[2]; a standalone Master and two
 * Workers on loopback, each executor its own JVM; an executor killed in the middle of fit; the
 * driver killed and the job resumed from its checkpoint; executors' heaps flat over six fits in one
 * application. Every JVM is stopped by PID.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    /** A small CNN and a Fashion-MNIST subset: minutes, not hours, on two cores. */
    static final String SPEC = "conv(16,5,pad=2) relu maxpool(2) conv(16,5,pad=2) relu maxpool(2) flatten dense(10)";

    static final String LIMIT = "6000";
    private static double localAccuracy = Double.NaN;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void requirements() {
        Processes.requireAssembly();
        assertTrue(Files.isDirectory(Processes.SPARK_HOME.resolve("jars")), "no Spark home at " + Processes.SPARK_HOME);
        assertTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist (.ci/run does)");
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([0-9.eE+-]+)").matcher(json);
        assertTrue(m.find(), key + " missing in " + json);
        return Double.parseDouble(m.group(1));
    }

    private static String[] train(String output, String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "train",
                "--data",
                "fashion-mnist",
                "--limit",
                LIMIT,
                "--epochs",
                "3",
                "--spec",
                SPEC,
                "--averaging",
                "8",
                "--partitions",
                "2",
                "--output",
                output));
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void sparkSubmitTrainEvaluatePredictOnLocal() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs-local"))) {
            String out = tmp.resolve("local").toString();
            Processes.Jvm train = ps.sparkSubmit("submit-train", "local[2]", train(out));
            assertEquals(0, train.exit(Duration.ofMinutes(8)), train.tail());
            String json = train.jsonLine();
            localAccuracy = number(json, "test_accuracy");
            assertTrue(localAccuracy > 0.75, json);
            assertTrue(number(json, "images_per_second") > 0 && number(json, "train_seconds") > 0, json);
            assertTrue(train.output().contains("spark-dl epoch 3:"), "per-epoch progress");
            assertTrue(Files.isRegularFile(Path.of(out, "training-curves.png")));

            Processes.Jvm eval = ps.sparkSubmit(
                    "submit-evaluate",
                    "local[2]",
                    "evaluate",
                    "--model",
                    out + "/model",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    LIMIT);
            assertEquals(0, eval.exit(Duration.ofMinutes(4)), eval.tail());
            assertEquals(localAccuracy, number(eval.jsonLine(), "accuracy"), 1e-9, "the saved model predicts the same");

            String preds = tmp.resolve("predictions").toString();
            Processes.Jvm predict = ps.sparkSubmit(
                    "submit-predict",
                    "local[2]",
                    "predict",
                    "--model",
                    out + "/model",
                    "--data",
                    "fashion-mnist",
                    "--limit",
                    LIMIT,
                    "--output",
                    preds);
            assertEquals(0, predict.exit(Duration.ofMinutes(4)), predict.tail());
            assertEquals(1000, (int) number(predict.jsonLine(), "predictions"));
        }
    }

    @Test
    @Order(2)
    void standaloneClusterWithTwoExecutorJvmsSurvivesLosingOne() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs-cluster"))) {
            String master = ps.standaloneCluster(2);

            // One fit, not a clean one and then a hit one: the local[2] fit of the test above is the
            // reference, and a clean cluster fit adds a minute of CI for no check this one lacks.
            Processes.Jvm hit = ps.sparkSubmit(
                    "cluster-train-executor-loss",
                    master,
                    train(tmp.resolve("cluster-loss").toString()));
            hit.await("spark-dl epoch 1:", Duration.ofMinutes(6));
            List<ProcessHandle> executors = ps.executors();
            assertEquals(2, executors.size(), "two executor JVMs, one per worker");
            Thread.sleep(1500); // into epoch 2's rounds
            assertTrue(
                    executors.get(0).destroyForcibly(),
                    "kill executor " + executors.get(0).pid());
            assertEquals(0, hit.exit(Duration.ofMinutes(10)), hit.tail());
            String json = hit.jsonLine();
            assertTrue(
                    hit.output()
                            .matches("(?s).*(Lost executor|ExecutorLostFailure|Executor .* removed|"
                                    + "Removing executor).*"),
                    "the log shows the lost executor");
            double clusterAccuracy = number(json, "test_accuracy");
            System.out.println("test accuracy on local[2] " + localAccuracy + ", on the cluster that lost an executor "
                    + clusterAccuracy);
            assertTrue(clusterAccuracy > 0.75, json);
            if (!Double.isNaN(localAccuracy)) {
                assertEquals(localAccuracy, clusterAccuracy, 0.03, "as good as on local[2], an executor lost or not");
            }
        }
    }

    @Test
    @Order(3)
    void killedDriverResumesFromItsLastCheckpoint() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs-driver"))) {
            String checkpoints = tmp.resolve("checkpoints").toString();
            String out = tmp.resolve("resumed").toString();
            Processes.Jvm first =
                    ps.sparkSubmit("driver-first", "local[2]", train(out, "--checkpoint-dir", checkpoints));
            first.await("checkpoint written: .*epoch-00001", Duration.ofMinutes(6));
            first.process().descendants().forEach(ProcessHandle::destroyForcibly);
            first.process().destroyForcibly();
            first.process().waitFor();

            Processes.Jvm second =
                    ps.sparkSubmit("driver-second", "local[2]", train(out, "--checkpoint-dir", checkpoints));
            Matcher m = second.await("resuming from checkpoint after epoch (\\d+)", Duration.ofMinutes(4));
            int resumedAfter = Integer.parseInt(m.group(1));
            assertTrue(resumedAfter >= 1, "resumed after epoch " + resumedAfter + ", not from scratch");
            assertEquals(0, second.exit(Duration.ofMinutes(8)), second.tail());
            assertTrue(
                    !second.output().contains("spark-dl epoch 1:") || resumedAfter == 0,
                    "epoch 1 must not be trained again");
            assertEquals(3, (int) number(second.jsonLine(), "epochs"));
            assertTrue(number(second.jsonLine(), "test_accuracy") > 0.75, second.jsonLine());
        }
    }

    /**
     * One long-lived application, six fits of different configurations on the standalone
     * cluster: the model replicas each fit leaves in the executors' {@code ReplicaPool} are
     * dropped when it ends, so every executor's heap after a full GC stays where it was after
     * the first fit. Each fit's replicas (a 784→1024→10 network with its gradients and Adam
     * moments, and the partition's packed rows) are tens of MB per executor.
     */
    @Test
    @Order(4)
    void executorHeapsDoNotGrowOverManyFits() throws Exception {
        int fits = 6;
        try (Processes ps = new Processes(tmp.resolve("logs-heap"))) {
            String master = ps.standaloneCluster(2);
            Path jar = Processes.jar(tmp.resolve("heap-across-fits.jar"), HeapAcrossFits.class);
            Processes.Jvm app = ps.sparkSubmit(
                    "heap-across-fits",
                    master,
                    HeapAcrossFits.class.getName(),
                    List.of(jar),
                    "2",
                    Integer.toString(fits),
                    "4000");
            assertEquals(0, app.exit(Duration.ofMinutes(5)), app.tail());
            app.await("heap-across-fits done", Duration.ofSeconds(1));

            // fit -> executor -> MB in use after a full GC
            Map<Integer, Map<String, Double>> used = new TreeMap<>();
            Matcher m = Pattern.compile(
                            "heap-after-fit \\{\"fit\":(\\d+),\"executor\":\"([^\"]+)\",\"usedMB\":([0-9.]+)}")
                    .matcher(app.output());
            while (m.find()) {
                used.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeMap<>())
                        .put(m.group(2), Double.parseDouble(m.group(3)));
            }
            System.out.println("executor heap in use after a full GC, MB, per fit: " + used);
            assertEquals(fits + 1, used.size(), "a measurement before the fits and after each: " + used);
            Map<String, Double> first = used.get(1);
            assertEquals(2, first.size(), "both executors measured: " + used);
            for (Map.Entry<Integer, Map<String, Double>> e : used.entrySet()) {
                assertEquals(first.keySet(), e.getValue().keySet(), "the same executors all along: " + used);
            }
            for (String executor : first.keySet()) {
                double after1 = first.get(executor);
                double afterLast = used.get(fits).get(executor);
                assertEquals(
                        after1,
                        afterLast,
                        0.10 * after1,
                        "executor " + executor + "'s heap after fit " + fits + " vs after fit 1, MB: " + used);
            }
        }
    }
}
