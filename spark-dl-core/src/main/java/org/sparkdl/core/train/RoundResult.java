package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What partitions return from a round, merged pairwise ({@link #merge}) up Spark's reduction tree:
 * per slot the sample-weighted average ({@link MergeRule#AVERAGE}), the summed change
 * ({@link MergeRule#SUM}), or each partition's own values ({@link MergeRule#LOCAL}); figures add
 * up. Exact for one partition and associative for a tree of them.
 *
 * @param packedValues per slot: the average, the summed change, or null for LOCAL slots; null
 *     arrays when no partition took a step
 * @param local partition → its LOCAL slots' values (null for the other slots)
 * @param weight samples trained on: the averaging weight
 */
public record RoundResult(
        MergeRule[] rules,
        PackedFloats[] packedValues,
        TreeMap<Integer, PackedFloats[]> local,
        long weight,
        Figures figures,
        double computeSeconds)
        implements Serializable {
    private static final long serialVersionUID = 3L;

    public static RoundResult nothing() {
        return new RoundResult(null, null, new TreeMap<>(), 0, new Figures(), 0);
    }

    /**
     * One partition's result: {@code after} is its state after the round, {@code before} what it
     * started from (SUM slots travel as their change).
     */
    public static RoundResult of(
            StateLayout layout,
            int partition,
            float[][] before,
            float[][] after,
            long weight,
            Figures figures,
            double computeSeconds) {
        MergeRule[] rules = new MergeRule[layout.count()];
        float[][] values = new float[layout.count()][];
        float[][] own = new float[layout.count()][];
        boolean hasLocal = false;
        for (int i = 0; i < rules.length; i++) {
            rules[i] = layout.slot(i).rule();
            switch (rules[i]) {
                case AVERAGE -> values[i] = after[i];
                case SUM -> {
                    values[i] = new float[after[i].length];
                    for (int j = 0; j < values[i].length; j++) {
                        values[i][j] = after[i][j] - before[i][j];
                    }
                }
                case LOCAL -> {
                    own[i] = after[i];
                    hasLocal = true;
                }
            }
        }
        TreeMap<Integer, PackedFloats[]> local = new TreeMap<>();
        if (hasLocal) {
            local.put(partition, TaskState.pack(own));
        }
        return new RoundResult(rules, TaskState.pack(values), local, weight, figures, computeSeconds);
    }

    /** Per slot: the merged value (average or summed change), null for LOCAL slots. */
    public float[][] values() {
        return packedValues == null ? null : TaskState.unpack(packedValues);
    }

    /** Each partition's LOCAL slot values. */
    public Map<Integer, float[][]> localValues() {
        Map<Integer, float[][]> out = new TreeMap<>();
        local.forEach((p, v) -> out.put(p, TaskState.unpack(v)));
        return out;
    }

    /** Both results combined by their slots' rules. */
    public static RoundResult merge(RoundResult a, RoundResult b) {
        if (a == null || a.weight == 0) {
            return b == null ? a : withFigures(b, a);
        }
        if (b == null || b.weight == 0) {
            return withFigures(a, b);
        }
        float[][] x = a.values();
        float[][] y = b.values();
        float[][] out = new float[x.length][];
        double fa = a.weight / (double) (a.weight + b.weight);
        double fb = b.weight / (double) (a.weight + b.weight);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (a.rules[i]) {
                case AVERAGE -> average(x[i], fa, y[i], fb);
                case SUM -> sum(x[i], y[i]);
                case LOCAL -> null;
            };
        }
        TreeMap<Integer, PackedFloats[]> local = new TreeMap<>(a.local);
        local.putAll(b.local);
        return new RoundResult(
                a.rules,
                TaskState.pack(out),
                local,
                a.weight + b.weight,
                Figures.merge(a.figures, b.figures),
                a.computeSeconds + b.computeSeconds);
    }

    private static float[] average(float[] x, double fa, float[] y, double fb) {
        float[] s = new float[x.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (fa * x[i] + fb * y[i]); // weights as fractions: no division per element
        }
        return s;
    }

    private static float[] sum(float[] x, float[] y) {
        float[] s = new float[x.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = x[i] + y[i];
        }
        return s;
    }

    /** {@code keep}'s state, with {@code other}'s figures and LOCAL values (other took no step) added. */
    private static RoundResult withFigures(RoundResult keep, RoundResult other) {
        if (other == null) {
            return keep;
        }
        TreeMap<Integer, PackedFloats[]> local = new TreeMap<>(other.local);
        local.putAll(keep.local);
        return new RoundResult(
                keep.rules,
                keep.packedValues,
                local,
                keep.weight,
                Figures.merge(keep.figures, other.figures),
                keep.computeSeconds + other.computeSeconds);
    }
}
