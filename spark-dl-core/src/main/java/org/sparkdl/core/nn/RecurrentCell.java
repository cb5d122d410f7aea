package org.sparkdl.core.nn;

/**
 * The arithmetic of one recurrent step for one sample, once both matrix products are done: {@code
 * xp = W_ih·x_t + b_ih} and {@code hp = W_hh·h_{t−1} + b_hh}, each {@link #gates()}·H wide. The
 * time loop, the products and the padding are {@link RecurrentDirection}'s; a cell only knows its
 * gates.
 *
 * <p>Rows are H-wide slices of shared arrays at the given offsets. The hidden and cell states use
 * one layout: {@code prev} is the offset of the state before the step, {@code out} after it, in
 * both {@code h} and {@code c} ({@code c} is unused without {@link #hasCellState()}). In backward,
 * {@code dh}, {@code dc} and {@code dhPrev} share the offset {@code row}.
 */
interface RecurrentCell {
    /** H-row blocks in weight_ih and weight_hh: 1 (RNN), 4 (LSTM: i, f, g, o), 3 (GRU: r, z, n). */
    int gates();

    /** Floats per sample and step that forward saves for backward, in units of H. */
    int savedWidth();

    /** Whether there is a cell state beside the hidden state (LSTM). */
    boolean hasCellState();

    /** {@code h[out], c[out]} from the projections and {@code h[prev], c[prev]}; fills {@code saved}. */
    void forward(
            int hidden,
            float[] xp,
            int xo,
            float[] hp,
            int ho,
            float[] h,
            float[] c,
            int prev,
            int out,
            float[] saved,
            int so);

    /**
     * The step's backward. In: {@code dh} = dL/dh[out], {@code dc} = dL/dc[out]. Out: {@code dgx}
     * = dL/dxp and {@code dgh} = dL/dhp (they differ only for GRU's n gate), {@code dhPrev} = the
     * part of dL/dh[prev] that does not go through W_hh (set, not added), {@code dc} = dL/dc[prev]
     * (in place).
     */
    void backward(
            int hidden,
            float[] saved,
            int so,
            float[] h,
            float[] c,
            int prev,
            int out,
            float[] dh,
            float[] dc,
            float[] dhPrev,
            int row,
            float[] dgx,
            int dgxo,
            float[] dgh,
            int dgho);

    static float sigmoid(float x) {
        return FastMath.sigmoid(x);
    }

    static float tanh(float x) {
        return FastMath.tanh(x);
    }
}
