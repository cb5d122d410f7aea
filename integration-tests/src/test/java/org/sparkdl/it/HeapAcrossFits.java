package org.sparkdl.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.FashionMnistFrames;
import org.sparkdl.spark.ml.cnn.CNNClassifier;
import scala.Tuple2;

/**
 * A long-lived application that runs several {@link CNNClassifier} fits, each with its own
 * configuration (so its own model replicas on the executors), and after each one measures every
 * executor's heap in use after a full GC. Submitted by {@link ClusterIT} with spark-submit; it
 * prints one line per executor and measurement:
 *
 * <pre>heap-after-fit {"fit":1,"executor":"0","usedMB":41.2}</pre>
 *
 * (fit 0 is before the first fit), then {@code heap-across-fits done {...}}. Arguments: the
 * number of executors to expect, the number of fits, the training rows.
 */
public final class HeapAcrossFits {
    /** Wide enough that one fit's replica (weights, gradients, Adam moments, data block) is tens of MB. */
    static final String SPEC = "flatten dense(1024) relu dense(10)";

    private HeapAcrossFits() {}

    public static void main(String[] args) throws Exception {
        int executors = Integer.parseInt(args[0]);
        int fits = Integer.parseInt(args[1]);
        int rows = Integer.parseInt(args[2]);
        SparkSession spark =
                SparkSession.builder().appName("spark-dl heap across fits").getOrCreate();
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            awaitExecutors(sc, executors);
            Dataset<Row> train =
                    FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN, rows);
            print(0, usedHeap(sc, executors));
            for (int fit = 1; fit <= fits; fit++) {
                long t0 = System.nanoTime();
                new CNNClassifier()
                        .setSpec(SPEC)
                        .setInputShape("1,28,28")
                        .setMaxEpochs(1)
                        .setAveragingFrequency(8)
                        .setNumPartitions(executors)
                        .setLearningRate(1e-3 * (1 + 0.1 * fit))
                        .setSeed(fit)
                        .fit(train);
                System.out.printf(
                        Locale.ROOT, "heap-across-fits fit %d took %.1f s%n", fit, (System.nanoTime() - t0) / 1e9);
                print(fit, usedHeap(sc, executors));
            }
            System.out.printf(Locale.ROOT, "heap-across-fits done {\"fits\":%d,\"executors\":%d}%n", fits, executors);
        } finally {
            spark.stop();
        }
    }

    private static void awaitExecutors(JavaSparkContext sc, int executors) throws InterruptedException {
        long end = System.nanoTime() + 120_000_000_000L;
        // getExecutorInfos lists the driver too. (The SparkContext's tracker: the Java one has no
        // getExecutorInfos in Spark 3.5.)
        while (sc.sc().statusTracker().getExecutorInfos().length < executors + 1) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException("fewer than " + executors + " executors registered");
            }
            Thread.sleep(200);
        }
    }

    /**
     * Every executor's heap in use after {@code System.gc()}, in bytes: the least of what its
     * tasks saw, over a job with four tasks per executor (again while one did not report).
     */
    static Map<String, Long> usedHeap(JavaSparkContext sc, int executors) {
        Map<String, Long> least = new TreeMap<>();
        for (int attempt = 0; attempt < 5 && least.size() < executors; attempt++) {
            int tasks = 4 * executors;
            List<Tuple2<String, Long>> seen = sc.parallelize(
                            new ArrayList<>(IntStream.range(0, tasks).boxed().toList()), tasks)
                    .map(i -> {
                        System.gc();
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        return new Tuple2<>(SparkEnv.get().executorId(), rt.totalMemory() - rt.freeMemory());
                    })
                    .collect();
            for (Tuple2<String, Long> s : seen) {
                least.merge(s._1(), s._2(), Math::min);
            }
        }
        if (least.size() < executors) {
            throw new IllegalStateException("only executors " + least.keySet() + " reported, expected " + executors);
        }
        return least;
    }

    private static void print(int fit, Map<String, Long> used) {
        used.forEach((executor, bytes) -> System.out.printf(
                Locale.ROOT,
                "heap-after-fit {\"fit\":%d,\"executor\":\"%s\",\"usedMB\":%.1f}%n",
                fit,
                executor,
                bytes / 1048576.0));
    }
}
