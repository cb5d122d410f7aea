package org.sparkdl.opencl;

import com.aparapi.Kernel;

/** Convolution bias gradient, one work-item per filter: {@code db[f] += Σ_{n,p} dy[n,f,p]}. */
final class BiasGradKernel extends Kernel {
    float[] dy = new float[1];
    float[] db = new float[1];
    int batch;
    int filters;
    int pixels;

    @Override
    public void run() {
        int f = getGlobalId();
        if (f < filters) {
            float s = 0f;
            for (int img = 0; img < batch; img++) {
                int base = (img * filters + f) * pixels;
                for (int p = 0; p < pixels; p++) {
                    s += dy[base + p];
                }
            }
            db[f] += s;
        }
    }
}
