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
 * <p>Usage (through {@code bench/round-cost.sh}): {@code RoundCost [floats=2600000] [rounds=30]
 * [partitions=2]}; the master comes from {@code spark.master} (default local[2]).
 */
public final class RoundCost {
    private RoundCost() {}

    public static void main(String[] args) {
        int floats = args.length > 0 ? Integer.parseInt(args[0]) : 2_600_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
        SparkSession spark = SparkSession.builder()
                .appName("spark-dl round cost")
                .master(System.getProperty("spark.master", "local[2]"))
                .config("spark.task.maxDirectResultSize", "64m") // as bin/spark-dl sets it
                .getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<Integer> rdd = sc.parallelize(
                        java.util.stream.IntStream.range(0, partitions).boxed().toList(), partitions)
                .cache();
        rdd.count();
        float[] state = new float[floats];
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < floats; i++) {
            state[i] = (float) rng.nextGaussian();
        }
        System.out.printf(
                Locale.ROOT,
                "%d floats (%.1f MB), %d partitions, %d rounds after 5 warm-up, broadcast compress=%s%n",
                floats,
                floats * 4 / 1e6,
                partitions,
                rounds,
                spark.sparkContext().getConf().get("spark.broadcast.compress", "true"));
        for (String step : List.of("empty job", "+ broadcast state", "+ states back, merged")) {
            double sum = 0;
            double best = Double.MAX_VALUE;
            for (int i = 0; i < rounds + 5; i++) {
                long t0 = System.nanoTime();
                round(sc, rdd, state, step);
                double ms = (System.nanoTime() - t0) / 1e6;
                if (i >= 5) {
                    sum += ms;
                    best = Math.min(best, ms);
                }
            }
            System.out.printf(Locale.ROOT, "%-24s mean %6.1f ms, best %6.1f ms%n", step, sum / rounds, best);
        }
        spark.stop();
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
