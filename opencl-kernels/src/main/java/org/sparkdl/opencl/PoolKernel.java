package org.sparkdl.opencl;

import com.aparapi.Kernel;

/**
 * Max and average pooling, forward (one work-item per output) and backward (one work-item per
 * input, gathering from the windows that cover it, so no atomics are needed).
 */
final class PoolKernel extends Kernel {
    static final int MAX_FORWARD = 0;
    static final int MAX_BACKWARD = 1;
    static final int AVG_FORWARD = 2;
    static final int AVG_BACKWARD = 3;

    float[] x = new float[1];
    float[] y = new float[1];
    int[] argmax = new int[1];
    int op;
    int height;
    int width;
    int window;
    int stride;
    int outH;
    int outW;
    int total;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < total) {
            if (op == MAX_FORWARD || op == AVG_FORWARD) {
                forward(i);
            } else {
                backward(i);
            }
        }
    }

    private void forward(int i) {
        int ox = i % outW;
        int t = i / outW;
        int oy = t % outH;
        int plane = t / outH;
        int base = plane * height * width;
        int best = base + oy * stride * width + ox * stride;
        float bestValue = x[best];
        float sum = 0f;
        for (int ki = 0; ki < window; ki++) {
            for (int kj = 0; kj < window; kj++) {
                int j = base + (oy * stride + ki) * width + ox * stride + kj;
                float v = x[j];
                sum += v;
                if (v > bestValue) {
                    bestValue = v;
                    best = j;
                }
            }
        }
        if (op == MAX_FORWARD) {
            y[i] = bestValue;
            argmax[i] = best;
        } else {
            y[i] = sum / (window * window);
        }
    }

    /** Here x is dx (written) and y is dy (read). */
    private void backward(int i) {
        int ix = i % width;
        int t = i / width;
        int iy = t % height;
        int plane = t / height;
        // Output rows/columns whose window covers (iy, ix): o·s ≤ i ≤ o·s + window − 1.
        int oyFrom = iy - window + 1 < 0 ? 0 : (iy - window + 1 + stride - 1) / stride;
        int oyTo = iy / stride < outH - 1 ? iy / stride : outH - 1;
        int oxFrom = ix - window + 1 < 0 ? 0 : (ix - window + 1 + stride - 1) / stride;
        int oxTo = ix / stride < outW - 1 ? ix / stride : outW - 1;
        float acc = 0f;
        for (int oy = oyFrom; oy <= oyTo; oy++) {
            for (int ox = oxFrom; ox <= oxTo; ox++) {
                int o = (plane * outH + oy) * outW + ox;
                if (op == AVG_BACKWARD) {
                    acc += y[o] / (window * window);
                } else if (argmax[o] == i) {
                    acc += y[o];
                }
            }
        }
        x[i] = acc;
    }
}
