package org.sparkdl.core.nn;

/** Elman RNN step: {@code h' = tanh(xp + hp)}; saves nothing, backward reads h' itself. */
final class RnnCell implements RecurrentCell {
    @Override
    public int gates() {
        return 1;
    }

    @Override
    public int savedWidth() {
        return 0;
    }

    @Override
    public boolean hasCellState() {
        return false;
    }

    @Override
    public void forward(
            int hs,
            float[] xp,
            int xo,
            float[] hp,
            int ho,
            float[] h,
            float[] c,
            int prev,
            int out,
            float[] saved,
            int so) {
        for (int j = 0; j < hs; j++) {
            h[out + j] = RecurrentCell.tanh(xp[xo + j] + hp[ho + j]);
        }
    }

    @Override
    public void backward(
            int hs,
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
            int dgho) {
        for (int j = 0; j < hs; j++) {
            float y = h[out + j];
            float da = dh[row + j] * (1 - y * y); // tanh' = 1 − y²
            dgx[dgxo + j] = da;
            dgh[dgho + j] = da;
            dhPrev[row + j] = 0f; // h_{t−1} reaches h_t only through W_hh
        }
    }
}
