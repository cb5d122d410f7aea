package org.sparkdl.core.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A separable transform of square tiles, {@code Out = K · In · Kᵀ}, applied to many tiles at once:
 * element (a, b) of every tile is one array ({@code in[a·side + b]}, all of length {@code len}), so
 * each step of the transform is a sum of whole arrays scaled by K's coefficients.
 *
 * <p>Why arrays of planes rather than tiles: Java 17's C2 vectorises {@code d[e] += k·s[e]} only
 * when the loads and the store share their index (0.11 against 0.58 ns per element with shifted
 * offsets, measured here), and a tile's 36 or 64 elements are too few to vectorise over. Over
 * planes every loop is a long same-index loop over separate arrays. K's zeros are skipped (Winograd's
 * Bᵀ for α = 6 has 22 non-zeros of 36).
 *
 * <p>Each pass over an output plane takes up to four terms, and two rows of K that agree on some
 * columns and are negated on the others (Winograd's rows for the points +p and −p: Bᵀ's and A's)
 * share their work: E, the sum over the agreeing columns, goes into the first row's plane, then one
 * loop adds and subtracts O, the sum over the others ({@link Plan}). For CNN-S's F(4×4, 5×5) on one
 * thread, per 2-image chunk (forward Bᵀ and Aᵀ, backward A and B, interleaved as in training), this
 * took the four transforms from 42 + 36 + 39 + 43 µs with two terms per pass and no pairs to 24 +
 * 34 + 25 + 38. One loop for all of a pair's E ± O ran slower (Bᵀ at 64 µs with its 3 + 3 terms;
 * at 20 with {@code -XX:LoopUnrollLimit=200}): C2 unrolls, and so vectorises, only loops under
 * that size limit.
 */
final class TileTransform {
    /** K's shape: rows (the output side) × columns (the input side). */
    private final int rows;

    private final int cols;
    /** One application of K along an axis, as loops over whole planes. */
    private final Plan plan;

    TileTransform(float[][] k) {
        this.rows = k.length;
        this.cols = k[0].length;
        this.plan = Plan.of(k);
    }

    /** Side of an input tile (K's columns). */
    int inSide() {
        return cols;
    }

    /** Side of an output tile (K's rows). */
    int outSide() {
        return rows;
    }

    /** Arrays of the scratch that {@link #apply} needs. */
    int scratchPlanes() {
        return cols * rows;
    }

    /** Loops over planes that one application of K along an axis runs. */
    int loops() {
        return plan.steps.length;
    }

    /**
     * {@code out[p·R + q] = Σ_a Σ_b K[p][a]·K[q][b]·in[a·C + b]} over the first {@code len} floats
     * of each array (R = K's rows, C its columns): first along b into {@code tmp[a·R + q]}, then
     * along a.
     */
    void apply(float[][] in, float[][] tmp, float[][] out, int len) {
        apply(in, tmp, out, 0, len);
    }

    /**
     * {@link #apply(float[][], float[][], float[][], int)} over elements {@code [from, to)} of every
     * array, the same in all of them: a range's loads and stores share their offset, which keeps
     * the loops vectorised (Java 17's C2 does not vectorise a loop whose references have different
     * offsets), so workers can split the elements.
     */
    void apply(float[][] in, float[][] tmp, float[][] out, int from, int to) {
        // tmp[a][q] = Σ_b K[q][b]·in[a][b]
        for (int a = 0; a < cols; a++) {
            plan.run(in, a * cols, 1, tmp, a * rows, 1, from, to);
        }
        // out[p][q] = Σ_a K[p][a]·tmp[a][q]
        for (int q = 0; q < rows; q++) {
            plan.run(tmp, q, rows, out, q, rows, from, to);
        }
    }

    /**
     * K applied along one axis: {@code dst[p] = Σ_j K[p][j]·src[j]} for every row p, where plane j
     * of the sources is {@code src[base + j·stride]} and plane p of the results {@code dst[base' +
     * p·stride']}.
     *
     * <p>Each step is a lambda calling one small loop of {@link PlaneSums}, chosen when the plan is
     * made, so that no shared method picks loops by shape while it runs. A pair's E + O and E − O in
     * one loop (A's 2 + 2 terms) ran at 23 µs per CNN-S chunk in some runs and at 53–62 in others,
     * by what C2 had compiled before it; E, then O with both results, ran at 25 in every order.
     */
    static final class Plan {
        private final Step[] steps;

        private Plan(Step[] steps) {
            this.steps = steps;
        }

        /**
         * The steps for K: rows paired where they agree on some non-zero columns and are negated on
         * the others, exactly in float (Winograd's rows for ±p), the other rows alone.
         */
        static Plan of(float[][] k) {
            List<Step> steps = new ArrayList<>();
            boolean[] done = new boolean[k.length];
            for (int p = 0; p < k.length; p++) {
                if (done[p]) {
                    continue;
                }
                done[p] = true;
                boolean paired = false;
                for (int p2 = p + 1; p2 < k.length && !paired; p2++) {
                    if (!done[p2]) {
                        paired = pair(p, p2, k[p], k[p2], steps);
                        done[p2] = paired;
                    }
                }
                if (!paired) {
                    int[] idx = nonZero(k[p]);
                    sum(p, idx, coefficients(k[p], idx), steps);
                }
            }
            return new Plan(steps.toArray(new Step[0]));
        }

        void run(
                float[][] src,
                int srcBase,
                int srcStride,
                float[][] dst,
                int dstBase,
                int dstStride,
                int from,
                int to) {
            for (Step s : steps) {
                s.run(src, srcBase, srcStride, dst, dstBase, dstStride, from, to);
            }
        }
    }

    /** Writes one or two result planes from source planes. */
    private interface Step {
        void run(
                float[][] src, int srcBase, int srcStride, float[][] dst, int dstBase, int dstStride, int from, int to);
    }

    /** The columns of {@code row} with a non-zero coefficient. */
    private static int[] nonZero(float[] row) {
        return java.util.stream.IntStream.range(0, row.length)
                .filter(j -> row[j] != 0f)
                .toArray();
    }

    private static float[] coefficients(float[] row, int[] columns) {
        float[] c = new float[columns.length];
        for (int t = 0; t < columns.length; t++) {
            c[t] = row[columns[t]];
        }
        return c;
    }

    /** Steps for {@code dst[p] = Σ_t c[t]·src[idx[t]]}: four terms at a time, the first four set, the rest added. */
    private static void sum(int p, int[] idx, float[] c, List<Step> steps) {
        if (idx.length == 0) {
            steps.add((s, sb, ss, d, db, ds, from, to) -> Arrays.fill(d[db + p * ds], from, to, 0f));
            return;
        }
        for (int t = 0; t < idx.length; t += 4) {
            steps.add(terms(p, idx, c, t, Math.min(4, idx.length - t), t > 0));
        }
    }

    /** One loop over terms {@code [t, t + n)}, 1 ≤ n ≤ 4, setting or adding to plane p. */
    private static Step terms(int p, int[] idx, float[] c, int t, int n, boolean add) {
        int j0 = idx[t];
        float c0 = c[t];
        if (n == 1) {
            return add
                    ? (s, sb, ss, d, db, ds, from, to) -> PlaneSums.add1(d[db + p * ds], c0, s[sb + j0 * ss], from, to)
                    : (s, sb, ss, d, db, ds, from, to) -> PlaneSums.sum1(d[db + p * ds], c0, s[sb + j0 * ss], from, to);
        }
        int j1 = idx[t + 1];
        float c1 = c[t + 1];
        if (n == 2) {
            return add
                    ? (s, sb, ss, d, db, ds, from, to) ->
                            PlaneSums.add2(d[db + p * ds], c0, s[sb + j0 * ss], c1, s[sb + j1 * ss], from, to)
                    : (s, sb, ss, d, db, ds, from, to) ->
                            PlaneSums.sum2(d[db + p * ds], c0, s[sb + j0 * ss], c1, s[sb + j1 * ss], from, to);
        }
        int j2 = idx[t + 2];
        float c2 = c[t + 2];
        if (n == 3) {
            return add
                    ? (s, sb, ss, d, db, ds, from, to) -> PlaneSums.add3(
                            d[db + p * ds], c0, s[sb + j0 * ss], c1, s[sb + j1 * ss], c2, s[sb + j2 * ss], from, to)
                    : (s, sb, ss, d, db, ds, from, to) -> PlaneSums.sum3(
                            d[db + p * ds], c0, s[sb + j0 * ss], c1, s[sb + j1 * ss], c2, s[sb + j2 * ss], from, to);
        }
        int j3 = idx[t + 3];
        float c3 = c[t + 3];
        return add
                ? (s, sb, ss, d, db, ds, from, to) -> PlaneSums.add4(
                        d[db + p * ds],
                        c0,
                        s[sb + j0 * ss],
                        c1,
                        s[sb + j1 * ss],
                        c2,
                        s[sb + j2 * ss],
                        c3,
                        s[sb + j3 * ss],
                        from,
                        to)
                : (s, sb, ss, d, db, ds, from, to) -> PlaneSums.sum4(
                        d[db + p * ds],
                        c0,
                        s[sb + j0 * ss],
                        c1,
                        s[sb + j1 * ss],
                        c2,
                        s[sb + j2 * ss],
                        c3,
                        s[sb + j3 * ss],
                        from,
                        to);
    }

    /**
     * Rows p and p2 of K with the same non-zero columns, equal on some ({@code E = Σ K[p][j]·src[j]}
     * over those) and negated on the others ({@code O}, at most three terms): {@code dst[p] = E + O},
     * {@code dst[p2] = E − O}, as E into {@code dst[p]}, then one loop for O and both results. Adds
     * the steps and returns true, or returns false where the rows are not such a pair.
     */
    private static boolean pair(int p, int p2, float[] a, float[] b, List<Step> steps) {
        List<Integer> same = new ArrayList<>();
        List<Integer> negated = new ArrayList<>();
        for (int j = 0; j < a.length; j++) {
            if (a[j] == 0f && b[j] == 0f) {
                continue;
            }
            if (a[j] == b[j]) {
                same.add(j);
            } else if (a[j] == -b[j]) {
                negated.add(j);
            } else {
                return false;
            }
        }
        if (same.isEmpty() || negated.isEmpty() || negated.size() > 3) {
            return false;
        }
        int[] even = same.stream().mapToInt(Integer::intValue).toArray();
        int[] odd = negated.stream().mapToInt(Integer::intValue).toArray();
        sum(p, even, coefficients(a, even), steps);
        steps.add(addAndSubtract(p, p2, odd, coefficients(a, odd)));
        return true;
    }

    /** With E already in {@code dst[p]}: O over 1 to 3 terms, {@code dst[p] = E + O}, {@code dst[p2] = E − O}. */
    private static Step addAndSubtract(int p, int p2, int[] odd, float[] co) {
        int o0 = odd[0];
        float b0 = co[0];
        if (odd.length == 1) {
            return (s, sb, ss, d, db, ds, from, to) ->
                    PlaneSums.addAndSubtract1(d[db + p * ds], d[db + p2 * ds], b0, s[sb + o0 * ss], from, to);
        }
        int o1 = odd[1];
        float b1 = co[1];
        if (odd.length == 2) {
            return (s, sb, ss, d, db, ds, from, to) -> PlaneSums.addAndSubtract2(
                    d[db + p * ds], d[db + p2 * ds], b0, s[sb + o0 * ss], b1, s[sb + o1 * ss], from, to);
        }
        int o2 = odd[2];
        float b2 = co[2];
        return (s, sb, ss, d, db, ds, from, to) -> PlaneSums.addAndSubtract3(
                d[db + p * ds],
                d[db + p2 * ds],
                b0,
                s[sb + o0 * ss],
                b1,
                s[sb + o1 * ss],
                b2,
                s[sb + o2 * ss],
                from,
                to);
    }
}
