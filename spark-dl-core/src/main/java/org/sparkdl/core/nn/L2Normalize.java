package org.sparkdl.core.nn;

import org.sparkdl.core.tensor.Tensor;

/**
 * Each row scaled to unit length: {@code y[n] = x[n] / max(‖x[n]‖, ε)}, as PyTorch's {@code
 * F.normalize(x, dim=1)} with ε = 1e-12. DINO puts it before its prototypes ({@link Prototypes}),
 * so the head's output is a cosine similarity whose scale the network cannot shrink.
 */
public final class L2Normalize implements Layer {
    /** The smallest norm divided by, as PyTorch's default. */
    public static final float EPS = 1e-12f;

    private Tensor y;
    private Tensor dx;
    /** max(‖x[n]‖, ε) of the last forward, per row. */
    private float[] norms = new float[0];

    @Override
    public Tensor forward(Tensor x, boolean training) {
        int n = x.dim(0);
        int d = x.sampleSize();
        y = Buffers.reuse(y, x.shape());
        norms = Buffers.reuse(norms, n);
        float[] xd = x.data();
        float[] yd = y.data();
        for (int r = 0; r < n; r++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                float v = xd[r * d + j];
                sq += v * v;
            }
            float norm = Math.max((float) Math.sqrt(sq), EPS);
            norms[r] = norm;
            for (int j = 0; j < d; j++) {
                yd[r * d + j] = xd[r * d + j] / norm;
            }
        }
        return y;
    }

    /** dx[n] = (dy[n] − y[n]·(y[n]·dy[n])) / ‖x[n]‖; below ε the norm is the constant ε: dx = dy / ε. */
    @Override
    public Tensor backward(Tensor gradOut) {
        int n = y.dim(0);
        int d = y.sampleSize();
        dx = Buffers.reuse(dx, y.shape());
        float[] g = gradOut.data();
        float[] yd = y.data();
        float[] out = dx.data();
        for (int r = 0; r < n; r++) {
            double dot = 0;
            if (norms[r] > EPS) {
                for (int j = 0; j < d; j++) {
                    dot += yd[r * d + j] * g[r * d + j];
                }
            }
            float inv = 1f / norms[r];
            for (int j = 0; j < d; j++) {
                out[r * d + j] = (g[r * d + j] - yd[r * d + j] * (float) dot) * inv;
            }
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.requireFlat(this, inputShape);
        return inputShape.clone();
    }

    @Override
    public String describe() {
        return "l2norm";
    }
}
