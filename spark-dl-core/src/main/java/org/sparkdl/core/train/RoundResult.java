package org.sparkdl.core.train;

import java.io.Serializable;

/**
 * What one partition returns from a round: its model + optimizer state after the local steps, and
 * the round's figures. {@link #merge} forms the sample-weighted average, so averaging stays exact
 * for one partition and associative for a tree of them.
 *
 * @param packedState model state then optimizer state ({@link #state()}), packed for the trip back
 *     to the driver
 * @param weight samples trained on (the averaging weight)
 * @param lossSum sum over the steps of each batch's mean loss
 */
public record RoundResult(
        PackedFloats packedState, long weight, double lossSum, int steps, long correct, double computeSeconds)
        implements Serializable {
    private static final long serialVersionUID = 2L;

    public RoundResult(float[] state, long weight, double lossSum, int steps, long correct, double computeSeconds) {
        this(new PackedFloats(state), weight, lossSum, steps, correct, computeSeconds);
    }

    public static RoundResult nothing() {
        return new RoundResult((float[]) null, 0, 0, 0, 0, 0);
    }

    /** Model state then optimizer state, or null when the partition did no step. */
    public float[] state() {
        return packedState.values();
    }

    /** The weighted average of two results' states, with their figures added up. */
    public static RoundResult merge(RoundResult a, RoundResult b) {
        if (a == null || a.weight == 0) {
            return b == null ? a : withFigures(b, a);
        }
        if (b == null || b.weight == 0) {
            return withFigures(a, b);
        }
        float[] x = a.state();
        float[] y = b.state();
        float[] s = new float[x.length];
        double fa = a.weight / (double) (a.weight + b.weight);
        double fb = b.weight / (double) (a.weight + b.weight);
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (fa * x[i] + fb * y[i]); // weights as fractions: no division per element
        }
        return new RoundResult(
                s,
                a.weight + b.weight,
                a.lossSum + b.lossSum,
                a.steps + b.steps,
                a.correct + b.correct,
                a.computeSeconds + b.computeSeconds);
    }

    private static RoundResult withFigures(RoundResult keep, RoundResult other) {
        if (other == null) {
            return keep;
        }
        return new RoundResult(
                keep.packedState,
                keep.weight,
                keep.lossSum + other.lossSum,
                keep.steps + other.steps,
                keep.correct + other.correct,
                keep.computeSeconds + other.computeSeconds);
    }
}
