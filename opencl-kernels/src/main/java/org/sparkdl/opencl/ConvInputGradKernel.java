package org.sparkdl.opencl;

import com.aparapi.Kernel;

/**
 * Convolution input gradient, one work-item per input element:
 * {@code dx[n,c,y,x] = Σ_{f,ki,kj} w[f,c,ki,kj] · dy[n,f,oy,ox]} over the output positions whose
 * window covers (y, x). A gather, so no two work-items write the same element (no atomics).
 */
final class ConvInputGradKernel extends Kernel {
    float[] dy = new float[1];
    float[] w = new float[1];
    float[] dx = new float[1];
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
    int total;

    @Override
    public void run() {
        int i = getGlobalId();
        if (i < total) {
            int x = i % width;
            int t = i / width;
            int y = t % height;
            t = t / height;
            int ch = t % inChannels;
            int img = t / inChannels;
            float acc = 0f;
            for (int ki = 0; ki < kernelH; ki++) {
                int sy = y + pad - ki;
                if (sy >= 0 && sy % stride == 0 && sy / stride < outH) {
                    int oy = sy / stride;
                    for (int kj = 0; kj < kernelW; kj++) {
                        int sx = x + pad - kj;
                        if (sx >= 0 && sx % stride == 0 && sx / stride < outW) {
                            int ox = sx / stride;
                            for (int f = 0; f < filters; f++) {
                                acc += w[((f * inChannels + ch) * kernelH + ki) * kernelW + kj]
                                        * dy[((img * filters + f) * outH + oy) * outW + ox];
                            }
                        }
                    }
                }
            }
            dx[i] = acc;
        }
    }
}
