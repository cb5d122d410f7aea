package org.sparkdl.spark.train;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.PackedFloats;
import org.sparkdl.core.train.RoundResult;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;

/**
 * What an averaging round costs besides the training itself, built up in three steps as
 * {@code ParameterAveraging}'s rounds do it: an empty job over the partitions, then one that also reads a
 * broadcast state, then one that also returns a state per partition and merges them with
 * {@code treeReduce}. The state is random floats of the given size (CNN-S with Adam: 2.6 M).
 *
 * <p>Usage (through {@code bench/round-cost.sh}, or {@code bench/round-cost-cluster.sh} on a
 * standalone cluster): {@code RoundCost [floats=2600000[,more sizes]] [rounds=30] [partitions=2]};
 * the master comes from {@code spark.master} (default local[2]). On a cluster it waits until
 * {@code partitions} executors have registered, so that each partition runs on its own. Besides
 * the table, one line per size and step: {@code RESULT <partitions> <floats> <step> <mean ms>
 * <median ms> <best ms>}.
 */
public final class RoundCost {
    private RoundCost() {}

    public static void main(String[] args) {
        int[] sizes = java.util.Arrays.stream((args.length > 0 ? args[0] : "2600000").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        SparkSession spark = SparkSession.builder()
                .appName("spark-dl round cost")
                .master(System.getProperty("spark.master", "local[2]"))
                .config("spark.task.maxDirectResultSize", "64m") // as bin/spark-dl sets it
                .getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        if (!spark.sparkContext().isLocal()) {
            long end = System.nanoTime() + 120_000_000_000L;
            while (spark.sparkContext().statusTracker().getExecutorInfos().length - 1 < partitions) { // - the driver
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("fewer than " + partitions + " executors after 2 minutes");
                }
                sleep(200);
            }
        }
        JavaRDD<Integer> rdd = sc.parallelize(
                        java.util.stream.IntStream.range(0, partitions).boxed().toList(), partitions)
                .cache();
        rdd.count();
        // Fresh executor JVMs compile Spark's and our code for their first few hundred tasks: warm them
        // up on the smallest state, or the first size measured pays for it (an empty job took 83 ms
        // there and 21 ms three sizes later on a cluster of 2 executors).
        measure(spark, sc, rdd, java.util.Arrays.stream(sizes).min().orElseThrow(), 30, partitions, false);
        for (int floats : sizes) {
            measure(spark, sc, rdd, floats, rounds, partitions, true);
        }
        spark.stop();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void measure(
            SparkSession spark,
            JavaSparkContext sc,
            JavaRDD<Integer> rdd,
            int floats,
            int rounds,
            int partitions,
            boolean print) {
        float[] state = new float[floats];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < floats; i++) {
            state[i] = (float) rng.nextGaussian();
        }
        java.io.PrintStream out = print ? System.out : new java.io.PrintStream(java.io.OutputStream.nullOutputStream());
        out.printf(
                Locale.ROOT,
                "%d floats (%.1f MB), %d partitions, %d rounds after 5 warm-up, broadcast compress=%s%n",
                floats,
                floats * 4 / 1e6,
                partitions,
                rounds,
                spark.sparkContext().getConf().get("spark.broadcast.compress", "true"));
        for (String step : List.of("empty job", "+ broadcast state", "+ states back, merged")) {
            double[] ms = new double[rounds];
            for (int i = 0; i < rounds + 5; i++) {
                long t0 = System.nanoTime();
                round(sc, rdd, state, step);
                if (i >= 5) {
                    ms[i - 5] = (System.nanoTime() - t0) / 1e6;
                }
            }
            double mean = java.util.Arrays.stream(ms).average().orElse(0);
            double[] sorted = ms.clone();
            java.util.Arrays.sort(sorted);
            double median = (sorted[(rounds - 1) / 2] + sorted[rounds / 2]) / 2;
            out.printf(
                    Locale.ROOT,
                    "%-24s mean %6.1f ms, median %6.1f ms, best %6.1f ms%n",
                    step,
                    mean,
                    median,
                    sorted[0]);
            out.printf(
                    Locale.ROOT,
                    "RESULT %d %d %s %.2f %.2f %.2f%n",
                    partitions,
                    floats,
                    step.replaceAll("[^a-z]+", "_"),
                    mean,
                    median,
                    sorted[0]);
        }
    }

    private static void round(JavaSparkContext sc, JavaRDD<Integer> rdd, float[] state, String step) {
        if (step.startsWith("empty")) {
            rdd.map(x -> x).count();
            return;
        }
        boolean results = step.contains("back");
        StateLayout layout = StateLayout.of(new StateSlot("state", state.length, MergeRule.AVERAGE));
        Broadcast<PackedFloats> bc = sc.broadcast(new PackedFloats(state));
        try {
            rdd.map(x -> {
                        float[] s = bc.value().values();
                        float[][] one = {s.clone()};
                        return results
                                ? RoundResult.of(layout, 0, one, one, 1, new Figures(), 0)
                                : RoundResult.nothing();
                    })
                    .treeReduce(RoundResult::merge, 2);
        } finally {
            bc.destroy();
        }
    }
}
