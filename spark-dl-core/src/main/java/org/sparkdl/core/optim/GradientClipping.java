package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.nn.Param;

/** Gradient-norm clipping over all parameters together, as PyTorch's {@code clip_grad_norm_}. */
public final class GradientClipping {
    private GradientClipping() {}

    /**
     * Scales every gradient by {@code maxNorm / (‖g‖ + 1e-6)} when that is below 1.
     *
     * @return the global gradient norm before clipping
     */
    public static double clipGlobalNorm(List<Param> params, double maxNorm) {
        double sq = 0;
        for (Param p : params) {
            for (float g : p.gradData()) {
                sq += (double) g * g;
            }
        }
        double norm = Math.sqrt(sq);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Param p : params) {
                float[] g = p.gradData();
                for (int j = 0; j < g.length; j++) {
                    g[j] *= c;
                }
            }
        }
        return norm;
    }
}
