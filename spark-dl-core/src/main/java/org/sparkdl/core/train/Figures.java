package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Named figures that add up across steps and partitions: summed loss, sample and step counts,
 * correct predictions, tokens. Ratios (accuracy, mean loss) are formed from the sums only at the
 * end, so that merging stays exact and associative.
 */
public final class Figures implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Sum over the steps of each batch's mean loss. */
    public static final String LOSS_SUM = "lossSum";
    /** Optimizer steps taken. */
    public static final String STEPS = "steps";
    /** Samples trained on or evaluated. */
    public static final String SAMPLES = "samples";
    /** Sum over partitions of the loss of a round's first batch, before its update; and their count. */
    public static final String FIRST_LOSS_SUM = "firstLossSum";

    public static final String FIRST_LOSS_COUNT = "firstLossCount";
    /** Partitions whose loss stopped being finite in this round (their state is not merged). */
    public static final String NON_FINITE = "nonFinite";

    private final TreeMap<String, Double> sums = new TreeMap<>();

    public Figures add(String name, double value) {
        sums.merge(name, value, Double::sum);
        return this;
    }

    /** The sum of {@code name}, 0 when nothing was added. */
    public double get(String name) {
        return sums.getOrDefault(name, 0.0);
    }

    /** {@code numerator / denominator}, NaN when the denominator is 0. */
    public double ratio(String numerator, String denominator) {
        double d = get(denominator);
        return d == 0 ? Double.NaN : get(numerator) / d;
    }

    public Map<String, Double> asMap() {
        return java.util.Collections.unmodifiableMap(sums);
    }

    /** A new sum of both (either may be null). */
    public static Figures merge(Figures a, Figures b) {
        Figures out = new Figures();
        for (Figures f : new Figures[] {a, b}) {
            if (f != null) {
                f.sums.forEach(out::add);
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return sums.toString();
    }
}
