package org.sparkdl.opencl;

import com.aparapi.Kernel;

/**
 * A tiled GEMM in OpenCL (through Aparapi): each 16×16 work-group computes a 16×16 block of C,
 * staging 16×16 tiles of A and B in local memory. Out-of-range tile elements load as zero and
 * out-of-range results are not stored, so any m, n, k work (the global range is rounded up).
 *
 * <p>Operands have addressing modes, so that convolutions run as implicit GEMMs with the im2col
 * matrix computed on the fly instead of materialised and copied:
 *
 * <ul>
 *   <li>A: {@link #A_PLAIN} row-major (optionally transposed); {@link #A_DY_CHANNEL_MAJOR} the
 *       output gradient dy[N,F,P] read as dyᵀ[F, N·P].
 *   <li>B: {@link #B_PLAIN}; {@link #B_IM2COL} im2col(x)[C·KH·KW, N·P]; {@link #B_IM2COL_T} its
 *       transpose.
 *   <li>C: {@link #C_PLAIN} {@code alpha·acc + beta·C}; {@link #C_CONV_OUT} y[N,F,P] = acc + bias[f].
 * </ul>
 */
final class GemmKernel extends Kernel {
    static final int TS = 16;
    static final int A_PLAIN = 0;
    static final int A_DY_CHANNEL_MAJOR = 1;
    static final int B_PLAIN = 0;
    static final int B_IM2COL = 1;
    static final int B_IM2COL_T = 2;
    static final int C_PLAIN = 0;
    static final int C_CONV_OUT = 1;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    float[] bias = new float[1];
    int m;
    int n;
    int k;
    int aOffset;
    int bOffset;
    int cOffset;
    int transA;
    int transB;
    float alpha;
    float beta;
    int aMode;
    int bMode;
    int cMode;
    // Convolution geometry for the implicit modes.
    int inChannels;
    int height;
    int width;
    int filters;
    int kernelH;
    int kernelW;
    int stride;
    int pad;
    int outH;
    int outW;

    @Local
    final float[] tileA = new float[TS * TS];

    @Local
    final float[] tileB = new float[TS * TS];

    @Override
    public void run() {
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        float acc = 0f;
        int tiles = (k + TS - 1) / TS;
        for (int t = 0; t < tiles; t++) {
            int ka = t * TS + lc;
            float va = 0f;
            if (row < m && ka < k) {
                va = loadA(row, ka);
            }
            tileA[lr * TS + lc] = va;
            int kb = t * TS + lr;
            float vb = 0f;
            if (kb < k && col < n) {
                vb = loadB(kb, col);
            }
            tileB[lr * TS + lc] = vb;
            localBarrier();
            for (int q = 0; q < TS; q++) {
                acc += tileA[lr * TS + q] * tileB[q * TS + lc];
            }
            localBarrier();
        }
        if (row < m && col < n) {
            store(row, col, acc);
        }
    }

    private float loadA(int row, int kk) {
        float v = 0f;
        if (aMode == A_DY_CHANNEL_MAJOR) {
            int pixels = outH * outW;
            int img = kk / pixels;
            int p = kk - img * pixels;
            v = a[(img * filters + row) * pixels + p];
        } else if (transA == 0) {
            v = a[aOffset + row * k + kk];
        } else {
            v = a[aOffset + kk * m + row];
        }
        return v;
    }

    private float loadB(int kk, int col) {
        float v = 0f;
        if (bMode == B_IM2COL) {
            v = im2col(kk, col);
        } else if (bMode == B_IM2COL_T) {
            v = im2col(col, kk);
        } else if (transB == 0) {
            v = b[bOffset + kk * n + col];
        } else {
            v = b[bOffset + col * k + kk];
        }
        return v;
    }

    /** im2col(x)[patchRow, column]: patchRow = (c, ki, kj), column = (image, oy, ox); zero in the padding. */
    private float im2col(int patchRow, int column) {
        int area = kernelH * kernelW;
        int ch = patchRow / area;
        int r = patchRow - ch * area;
        int ki = r / kernelW;
        int kj = r - ki * kernelW;
        int pixels = outH * outW;
        int img = column / pixels;
        int p = column - img * pixels;
        int oy = p / outW;
        int ox = p - oy * outW;
        int iy = oy * stride - pad + ki;
        int ix = ox * stride - pad + kj;
        float v = 0f;
        if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
            v = b[((img * inChannels + ch) * height + iy) * width + ix];
        }
        return v;
    }

    private void store(int row, int col, float acc) {
        if (cMode == C_CONV_OUT) {
            int pixels = outH * outW;
            int img = col / pixels;
            int p = col - img * pixels;
            c[(img * filters + row) * pixels + p] = acc + bias[row];
        } else {
            int i = cOffset + row * n + col;
            if (beta == 0f) {
                c[i] = alpha * acc; // C may hold garbage (even NaN) when beta is 0: never read it
            } else {
                c[i] = alpha * acc + beta * c[i];
            }
        }
    }
}
