package org.sparkdl.core.nn;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;

/**
 * One direction of one recurrent layer: its four parameters and its time loop, forward and full
 * backpropagation through time.
 *
 * <p>Steps run in "step order" s = 0, 1, ...: the forward direction reads time t = s, the reverse
 * direction t = len − 1 − s, so it starts at each sequence's own last valid step. At step s the
 * samples with {@code len > s} advance; the others keep their state, so the state after the last
 * step is each sequence's state at its own end, and nothing past a sequence's end reaches an
 * output or a gradient.
 *
 * <p>The matrix products go through {@link Kernels#sgemm}: the input projection of every step as
 * one product before the loop ({@code xp[N·T, G·H] = x[N·T, F]·W_ihᵀ}), one recurrent product per
 * step ({@code hp[N, G·H] = h[N, H]·W_hhᵀ}), and in backward the mirror images. The per-step
 * product covers the whole batch, finished sequences included (their rows are ignored): simpler
 * than repacking the active rows each step, at the cost of the padding's share of the product. The
 * loop runs to the longest length only. Buffers are sized
 * by N and T and kept; they grow when a larger batch or a longer sequence comes, and nothing is
 * allocated per step.
 */
final class RecurrentDirection {
    private final Kernels kernels;
    private final RecurrentCell cell;
    private final int in;
    private final int hidden;
    private final boolean reverse;
    private final Param weightIh;
    private final Param weightHh;
    private final Param biasIh;
    private final Param biasHh;

    // what forward keeps for backward
    private float[] x;
    private int n;
    private int steps;
    private int[] lengths;
    private int longest;

    private float[] xp; // [N·T, G·H], rows n·T + t
    private float[] hp; // [N, G·H], one step's recurrent projection
    private float[] saved; // [T, N, savedWidth·H], step order
    private float[] h; // [T+1, N, H], step order: h[0] the initial state, h[s+1] after step s
    private float[] c; // as h, the LSTM cell state
    private float[] dgx; // [N·T, G·H], dL/dxp, rows as xp
    private float[] dgh; // [N, G·H], one step's dL/dhp
    private float[] dh; // [N, H], dL/dh after the step being undone
    private float[] dhPrev; // [N, H], dL/dh before it
    private float[] dc; // [N, H], dL/dc, in place

    /** @param suffix the PyTorch parameter suffix, e.g. {@code _l1_reverse} */
    RecurrentDirection(Kernels kernels, RecurrentCell cell, int in, int hidden, boolean reverse, String suffix) {
        this.kernels = kernels;
        this.cell = cell;
        this.in = in;
        this.hidden = hidden;
        this.reverse = reverse;
        int gh = cell.gates() * hidden;
        this.weightIh = new Param("weight_ih" + suffix, Tensor.zeros(gh, in), true);
        this.weightHh = new Param("weight_hh" + suffix, Tensor.zeros(gh, hidden), true);
        this.biasIh = new Param("bias_ih" + suffix, Tensor.zeros(gh), false);
        this.biasHh = new Param("bias_hh" + suffix, Tensor.zeros(gh), false);
    }

    /** In PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh. */
    List<Param> params() {
        return List.of(weightIh, weightHh, biasIh, biasHh);
    }

    /** PyTorch's default: every parameter from U(−1/√H, 1/√H). */
    void initialize(SplittableRandom rng) {
        double bound = 1.0 / Math.sqrt(hidden);
        for (Param p : params()) {
            float[] d = p.data();
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) rng.nextDouble(-bound, bound);
            }
        }
    }

    /** Multiply-adds per sample and step. */
    long macsPerStep() {
        return (long) cell.gates() * hidden * (in + hidden);
    }

    /**
     * Runs the direction over {@code x[N, T, F]} and writes its outputs into the H-wide slice at
     * {@code yOffset} of each row of {@code y[N, T, yWidth]}; padded steps get 0.
     *
     * @param lengths valid steps per sample, or null for all
     * @param h0 the initial hidden state [N, H] at {@code stateOffset}, or null for zeros (and c0
     *     the cell state, for LSTM)
     */
    void forward(
            float[] x,
            int n,
            int steps,
            int[] lengths,
            float[] h0,
            float[] c0,
            int stateOffset,
            float[] y,
            int yWidth,
            int yOffset) {
        this.x = x;
        this.n = n;
        this.steps = steps;
        this.lengths = lengths;
        this.longest = Sequences.longest(lengths, steps);
        int gh = cell.gates() * hidden;
        int nh = n * hidden;
        xp = Buffers.reuse(xp, (long) n * steps * gh);
        hp = Buffers.reuse(hp, (long) n * gh);
        saved = Buffers.reuse(saved, (long) steps * n * cell.savedWidth() * hidden);
        h = Buffers.reuse(h, (long) (steps + 1) * nh);
        if (cell.hasCellState()) {
            c = Buffers.reuse(c, (long) (steps + 1) * nh);
        }
        initialState(h, h0, stateOffset, nh);
        if (cell.hasCellState()) {
            initialState(c, c0, stateOffset, nh);
        }

        // xp[N·T, G·H] = x[N·T, F] · W_ihᵀ + b_ih: every step's input projection in one product
        fillRows(xp, biasIh.data(), n * steps);
        kernels.sgemm(false, true, n * steps, gh, in, 1f, x, 0, weightIh.data(), 0, 1f, xp, 0);

        for (int s = 0; s < longest; s++) {
            int prev = s * nh;
            int out = prev + nh;
            // hp[N, G·H] = h_s[N, H] · W_hhᵀ + b_hh
            fillRows(hp, biasHh.data(), n);
            kernels.sgemm(false, true, n, gh, hidden, 1f, h, prev, weightHh.data(), 0, 1f, hp, 0);
            for (int i = 0; i < n; i++) {
                int len = Sequences.length(lengths, i, steps);
                int row = i * hidden;
                if (s >= len) { // past its end: the state stays
                    System.arraycopy(h, prev + row, h, out + row, hidden);
                    if (cell.hasCellState()) {
                        System.arraycopy(c, prev + row, c, out + row, hidden);
                    }
                    continue;
                }
                int t = time(s, len);
                cell.forward(
                        hidden,
                        xp,
                        (i * steps + t) * gh,
                        hp,
                        i * gh,
                        h,
                        c,
                        prev + row,
                        out + row,
                        saved,
                        (s * n + i) * cell.savedWidth() * hidden);
                System.arraycopy(h, out + row, y, (i * steps + t) * yWidth + yOffset, hidden);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int t = Sequences.length(lengths, i, steps); t < steps; t++) {
                int o = (i * steps + t) * yWidth + yOffset;
                Arrays.fill(y, o, o + hidden, 0f);
            }
        }
    }

    /** The time index of step {@code s} of a sequence of {@code len} steps. */
    private int time(int s, int len) {
        return reverse ? len - 1 - s : s;
    }

    private static void initialState(float[] dst, float[] src, int offset, int size) {
        if (src == null) {
            Arrays.fill(dst, 0, size, 0f);
        } else {
            System.arraycopy(src, offset, dst, 0, size);
        }
    }

    private static void fillRows(float[] dst, float[] row, int rows) {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(row, 0, dst, r * row.length, row.length);
        }
    }

    /**
     * The state after the last forward: each sample's hidden (and cell) state at its own end,
     * copied into {@code hDst} (and {@code cDst}) at {@code offset}, [N, H].
     */
    void copyFinalState(float[] hDst, float[] cDst, int offset) {
        int nh = n * hidden;
        System.arraycopy(h, longest * nh, hDst, offset, nh);
        if (cell.hasCellState()) {
            System.arraycopy(c, longest * nh, cDst, offset, nh);
        }
    }

    /**
     * Backpropagation through all steps of the last forward: adds the parameter gradients, and
     * when {@code dx} is not null writes dL/dx [N, T, F] into it (added when {@code accumulate}).
     * The initial state gets no gradient: it is zeros or a carried, detached state.
     *
     * @param dy the output gradient, the H-wide slice at {@code yOffset} of each row of [N, T,
     *     yWidth]; padded steps are not read
     */
    void backward(float[] dy, int yWidth, int yOffset, float[] dx, boolean accumulate) {
        int gh = cell.gates() * hidden;
        int nh = n * hidden;
        dgx = Buffers.reuse(dgx, (long) n * steps * gh);
        dgh = Buffers.reuse(dgh, (long) n * gh);
        dh = Buffers.reuse(dh, nh);
        dhPrev = Buffers.reuse(dhPrev, nh);
        dc = Buffers.reuse(dc, nh);
        Arrays.fill(dgx, 0, n * steps * gh, 0f); // padded steps keep 0: no gradient from them
        Arrays.fill(dh, 0, nh, 0f);
        Arrays.fill(dc, 0, nh, 0f);
        float[] dWhh = weightHh.gradData();
        float[] dBhh = biasHh.gradData();
        for (int s = longest - 1; s >= 0; s--) {
            int prev = s * nh;
            int out = prev + nh;
            for (int i = 0; i < n; i++) {
                int len = Sequences.length(lengths, i, steps);
                int row = i * hidden;
                if (s >= len) { // the state only passed through: so does its gradient
                    Arrays.fill(dgh, i * gh, (i + 1) * gh, 0f);
                    System.arraycopy(dh, row, dhPrev, row, hidden);
                    continue;
                }
                int t = time(s, len);
                int yo = (i * steps + t) * yWidth + yOffset;
                for (int j = 0; j < hidden; j++) {
                    dh[row + j] += dy[yo + j];
                }
                cell.backward(
                        hidden,
                        saved,
                        (s * n + i) * cell.savedWidth() * hidden,
                        h,
                        c,
                        prev + row,
                        out + row,
                        dh,
                        dc,
                        dhPrev,
                        row,
                        dgx,
                        (i * steps + t) * gh,
                        dgh,
                        i * gh);
            }
            // dh_{s−1}[N, H] += dhp[N, G·H] · W_hh[G·H, H]
            kernels.sgemm(false, false, n, hidden, gh, 1f, dgh, 0, weightHh.data(), 0, 1f, dhPrev, 0);
            // dW_hh[G·H, H] += dhpᵀ · h_s[N, H];  db_hh += Σ_N dhp
            kernels.sgemm(true, false, gh, hidden, n, 1f, dgh, 0, h, prev, 1f, dWhh, 0);
            addRows(dgh, n, dBhh);
            float[] swap = dh;
            dh = dhPrev;
            dhPrev = swap;
        }
        // dW_ih[G·H, F] += dxpᵀ · x[N·T, F] (= where still zero);  db_ih += Σ dxp;  dx[N·T, F] (+)= dxp · W_ih
        float beta = weightIh.accumulationBeta();
        kernels.sgemm(true, false, gh, in, n * steps, 1f, dgx, 0, x, 0, beta, weightIh.gradArray(), 0);
        addRows(dgx, n * steps, biasIh.gradData());
        if (dx != null) {
            kernels.sgemm(false, false, n * steps, in, gh, 1f, dgx, 0, weightIh.data(), 0, accumulate ? 1f : 0f, dx, 0);
        }
    }

    /** {@code sum[width] += Σ_r a[r, width]}. */
    private static void addRows(float[] a, int rows, float[] sum) {
        int w = sum.length;
        for (int r = 0; r < rows; r++) {
            int o = r * w;
            for (int j = 0; j < w; j++) {
                sum[j] += a[o + j];
            }
        }
    }
}
