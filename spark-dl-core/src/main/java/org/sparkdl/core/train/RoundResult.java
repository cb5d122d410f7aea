package org.sparkdl.core.train;

import java.io.Serializable;

/**
 * What one partition returns from a round: its model + optimizer state after the local steps, and
 * the round's figures. {@link #merge} forms the sample-weighted average, so averaging stays exact
 * for one partition and associative for a tree of them.
 *
 * @param state model state then optimizer state, or null when the partition did no step
 * @param weight samples trained on (the averaging weight)
 * @param lossSum sum over the steps of each batch's mean loss
 */
public record RoundResult(float[] state, long weight, double lossSum, int steps, long correct, double computeSeconds)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static RoundResult nothing() {
        return new RoundResult(null, 0, 0, 0, 0, 0);
    }

    /** The weighted average of two results' states, with their figures added up. */
    public static RoundResult merge(RoundResult a, RoundResult b) {
        if (a == null || a.weight == 0) {
            return b == null ? a : withFigures(b, a);
        }
        if (b == null || b.weight == 0) {
            return withFigures(a, b);
        }
        float[] s = new float[a.state.length];
        double wa = a.weight;
        double wb = b.weight;
        double w = wa + wb;
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) ((wa * a.state[i] + wb * b.state[i]) / w);
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
                keep.state,
                keep.weight,
                keep.lossSum + other.lossSum,
                keep.steps + other.steps,
                keep.correct + other.correct,
                keep.computeSeconds + other.computeSeconds);
    }
}
