package org.sparkdl.core.nn;

/**
 * GRU step as PyTorch writes it, gate order r, z, n: {@code r = σ(xp_r + hp_r)}, {@code z =
 * σ(xp_z + hp_z)}, {@code n = tanh(xp_n + r·hp_n)}, {@code h' = (1 − z)·n + z·h}. The reset gate
 * scales the whole recurrent term {@code hp_n = W_hn·h + b_hn}, bias included, which is why the
 * two projections stay apart until here. Saves r, z, n and hp_n [4H].
 */
final class GruCell implements RecurrentCell {
    @Override
    public int gates() {
        return 3;
    }

    @Override
    public int savedWidth() {
        return 4;
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
            float r = RecurrentCell.sigmoid(xp[xo + j] + hp[ho + j]);
            float z = RecurrentCell.sigmoid(xp[xo + hs + j] + hp[ho + hs + j]);
            float hn = hp[ho + 2 * hs + j];
            float n = RecurrentCell.tanh(xp[xo + 2 * hs + j] + r * hn);
            h[out + j] = (1 - z) * n + z * h[prev + j];
            saved[so + j] = r;
            saved[so + hs + j] = z;
            saved[so + 2 * hs + j] = n;
            saved[so + 3 * hs + j] = hn;
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
            float r = saved[so + j];
            float z = saved[so + hs + j];
            float n = saved[so + 2 * hs + j];
            float hn = saved[so + 3 * hs + j];
            float dhj = dh[row + j];
            float dn = dhj * (1 - z) * (1 - n * n); // through n's tanh
            float dz = dhj * (h[prev + j] - n) * z * (1 - z);
            float dr = dn * hn * r * (1 - r);
            dgx[dgxo + j] = dr;
            dgx[dgxo + hs + j] = dz;
            dgx[dgxo + 2 * hs + j] = dn;
            dgh[dgho + j] = dr;
            dgh[dgho + hs + j] = dz;
            dgh[dgho + 2 * hs + j] = dn * r; // the reset gate scales the recurrent term
            dhPrev[row + j] = dhj * z; // the carry-over z·h
        }
    }
}
