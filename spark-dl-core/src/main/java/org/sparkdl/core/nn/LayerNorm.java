package org.sparkdl.core.nn;

import java.util.List;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Layer normalisation over each sample's values (PyTorch's {@code LayerNorm(sampleShape)}), with
 * an element-wise scale and shift of the sample's shape.
 */
public final class LayerNorm implements Layer {
    private final int[] sampleShape;
    private final int size;
    private final float eps;
    private final Param gamma;
    private final Param beta;
    private Tensor y;
    private Tensor dx;
    private float[] xhat;
    private float[] invStd;

    public LayerNorm(int[] sampleShape, float eps) {
        if (!(eps > 0)) {
            throw new IllegalArgumentException("layernorm eps must be positive, got " + eps);
        }
        this.sampleShape = sampleShape.clone();
        this.size = Shapes.size(sampleShape);
        this.eps = eps;
        this.gamma = new Param("gamma", Tensor.zeros(sampleShape), false);
        this.beta = new Param("beta", Tensor.zeros(sampleShape), false);
        java.util.Arrays.fill(gamma.data(), 1f);
    }

    public float eps() {
        return eps;
    }

    public Param gamma() {
        return gamma;
    }

    public Param beta() {
        return beta;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.sampleSize() != size) {
            throw new ShapeException(describe() + " was built for samples of " + Shapes.describe(sampleShape) + ", got "
                    + Shapes.describe(Shapes.sampleShape(x.shape())));
        }
        int n = x.dim(0);
        y = Buffers.reuse(y, x.shape());
        xhat = Buffers.reuse(xhat, x.size());
        invStd = Buffers.reuse(invStd, n);
        float[] xd = x.data();
        float[] yd = y.data();
        float[] g = gamma.data();
        float[] b = beta.data();
        for (int i = 0; i < n; i++) {
            int base = i * size;
            double sum = 0;
            for (int j = 0; j < size; j++) {
                sum += xd[base + j];
            }
            double mu = sum / size;
            double sq = 0;
            for (int j = 0; j < size; j++) {
                double d = xd[base + j] - mu;
                sq += d * d;
            }
            float is = (float) (1.0 / Math.sqrt(sq / size + eps));
            invStd[i] = is;
            for (int j = 0; j < size; j++) {
                float h = (float) (xd[base + j] - mu) * is;
                xhat[base + j] = h;
                yd[base + j] = g[j] * h + b[j];
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = gradOut.dim(0);
        dx = Buffers.reuse(dx, gradOut.shape());
        float[] dy = gradOut.data();
        float[] d = dx.data();
        float[] g = gamma.data();
        float[] dg = gamma.gradData();
        float[] db = beta.gradData();
        for (int i = 0; i < n; i++) {
            int base = i * size;
            double sumG = 0;
            double sumGH = 0;
            for (int j = 0; j < size; j++) {
                float gh = dy[base + j] * g[j];
                sumG += gh;
                sumGH += gh * xhat[base + j];
                dg[j] += dy[base + j] * xhat[base + j];
                db[j] += dy[base + j];
            }
            // dx = invStd/D · (D·ĝ − Σĝ − x̂·Σ(ĝ·x̂)), ĝ = dy·γ
            float k = invStd[i] / size;
            for (int j = 0; j < size; j++) {
                d[base + j] = k * (size * dy[base + j] * g[j] - (float) sumG - xhat[base + j] * (float) sumGH);
            }
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (Shapes.size(s) != size) {
            throw new ShapeException(
                    describe() + " was built for " + Shapes.describe(sampleShape) + ", got " + Shapes.describe(s));
        }
        return s.clone();
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public String describe() {
        return "layernorm";
    }
}
