package org.sparkdl.core.nn;

/**
 * LSTM step, PyTorch's gate order i, f, g, o: {@code c' = σ(f)·c + σ(i)·tanh(g)}, {@code h' =
 * σ(o)·tanh(c')}. Saves the four activated gates [4H].
 */
final class LstmCell implements RecurrentCell {
    @Override
    public int gates() {
        return 4;
    }

    @Override
    public int savedWidth() {
        return 4;
    }

    @Override
    public boolean hasCellState() {
        return true;
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
            float i = RecurrentCell.sigmoid(xp[xo + j] + hp[ho + j]);
            float f = RecurrentCell.sigmoid(xp[xo + hs + j] + hp[ho + hs + j]);
            float g = RecurrentCell.tanh(xp[xo + 2 * hs + j] + hp[ho + 2 * hs + j]);
            float o = RecurrentCell.sigmoid(xp[xo + 3 * hs + j] + hp[ho + 3 * hs + j]);
            float cn = f * c[prev + j] + i * g;
            c[out + j] = cn;
            h[out + j] = o * RecurrentCell.tanh(cn);
            saved[so + j] = i;
            saved[so + hs + j] = f;
            saved[so + 2 * hs + j] = g;
            saved[so + 3 * hs + j] = o;
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
            float i = saved[so + j];
            float f = saved[so + hs + j];
            float g = saved[so + 2 * hs + j];
            float o = saved[so + 3 * hs + j];
            float tc = RecurrentCell.tanh(c[out + j]); // recomputed: cheaper than saving a fifth row
            float dhj = dh[row + j];
            float dct = dc[row + j] + dhj * o * (1 - tc * tc);
            float di = dct * g * i * (1 - i);
            float df = dct * c[prev + j] * f * (1 - f);
            float dg = dct * i * (1 - g * g);
            float dout = dhj * tc * o * (1 - o);
            dc[row + j] = dct * f;
            dgx[dgxo + j] = di;
            dgx[dgxo + hs + j] = df;
            dgx[dgxo + 2 * hs + j] = dg;
            dgx[dgxo + 3 * hs + j] = dout;
            dhPrev[row + j] = 0f; // h_{t−1} reaches h_t only through W_hh
        }
        System.arraycopy(dgx, dgxo, dgh, dgho, 4 * hs); // both projections feed the same sums
    }
}
