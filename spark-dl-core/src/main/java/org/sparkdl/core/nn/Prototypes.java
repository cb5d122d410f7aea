package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * K prototypes of unit length: {@code y[N,K] = x[N,in] · Ŵᵀ} with {@code Ŵ[k] = V[k] / ‖V[k]‖}
 * and no bias. The trained parameter is V; the prototypes' length stays 1. This is DINO's last
 * layer, PyTorch's {@code weight_norm(Linear(in, K, bias=False))} with its gain fixed at 1: after
 * {@link L2Normalize} the outputs are cosine similarities in [−1, 1], which the temperatures then
 * scale, so the head cannot flatten the teacher's distribution by shrinking its weights.
 */
public final class Prototypes implements WeightedLayer {
    private final Kernels kernels;
    private final int in;
    private final int count;
    private final Param weight;
    private boolean inputGradient = true;
    /** Ŵ of the last forward, K×in. */
    private final float[] unit;
    /** ‖V[k]‖ of the last forward. */
    private final float[] norms;
    /** dLoss/dŴ, K×in, before its projection onto V's gradient. */
    private final float[] unitGrad;

    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public Prototypes(Kernels kernels, int in, int count) {
        if (in <= 0 || count <= 0) {
            throw new IllegalArgumentException("prototypes sizes must be positive, got in=" + in + " count=" + count);
        }
        this.kernels = kernels;
        this.in = in;
        this.count = count;
        this.weight = new Param("weight", Tensor.zeros(count, in), true);
        this.unit = new float[count * in];
        this.norms = new float[count];
        this.unitGrad = new float[count * in];
    }

    /** V, K×in: the prototypes before their normalisation. */
    public Param weight() {
        return weight;
    }

    /** Ŵ = V / ‖V‖ per row, K×in: the prototypes as the forward uses them. */
    public float[] unitPrototypes() {
        float[] out = new float[count * in];
        normalize(out, new float[count]);
        return out;
    }

    /** Writes Ŵ into {@code unitOut} and ‖V[k]‖ into {@code normsOut}. */
    private void normalize(float[] unitOut, float[] normsOut) {
        float[] v = weight.data();
        for (int k = 0; k < count; k++) {
            double sq = 0;
            for (int j = 0; j < in; j++) {
                sq += v[k * in + j] * v[k * in + j];
            }
            float norm = (float) Math.sqrt(sq);
            if (!(norm > 0)) {
                throw new IllegalStateException(
                        describe() + ": prototype " + k + " has length " + norm + "; a prototype needs a direction");
            }
            normsOut[k] = norm;
            for (int j = 0; j < in; j++) {
                unitOut[k * in + j] = v[k * in + j] / norm;
            }
        }
    }

    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        init.fill(weight.data(), in, count, rng);
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        if (input.sampleSize() != in) {
            throw new ShapeException(describe() + " expects " + in + " input features per sample, got "
                    + Shapes.describe(Shapes.sampleShape(input.shape())));
        }
        int n = input.dim(0);
        x = input;
        normalize(unit, norms);
        y = Buffers.reuse(y, n, count);
        // y[N,K] = x[N,in] · Ŵᵀ[in,K]
        kernels.sgemm(false, true, n, count, in, 1f, input.data(), 0, unit, 0, 0f, y.data(), 0);
        return y;
    }

    /** dV[k] += (dŴ[k] − Ŵ[k]·(Ŵ[k]·dŴ[k])) / ‖V[k]‖ with dŴ = dyᵀ·x; dx = dy·Ŵ. */
    @Override
    public Tensor backward(Tensor gradOut) {
        int n = x.dim(0);
        float[] g = gradOut.data();
        // dŴ[K,in] = dyᵀ[K,N] · x[N,in]
        kernels.sgemm(true, false, count, in, n, 1f, g, 0, x.data(), 0, 0f, unitGrad, 0);
        float[] dv = weight.gradData();
        for (int k = 0; k < count; k++) {
            double dot = 0;
            for (int j = 0; j < in; j++) {
                dot += unit[k * in + j] * unitGrad[k * in + j];
            }
            float inv = 1f / norms[k];
            for (int j = 0; j < in; j++) {
                dv[k * in + j] += (unitGrad[k * in + j] - unit[k * in + j] * (float) dot) * inv;
            }
        }
        if (!inputGradient) {
            return null;
        }
        // dx[N,in] = dy[N,K] · Ŵ[K,in]
        dx = Buffers.reuse(dx, x.shape());
        kernels.sgemm(false, false, n, in, count, 1f, g, 0, unit, 0, 0f, dx.data(), 0);
        return dx;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        Layers.requireFlat(this, inputShape);
        if (inputShape[0] != in) {
            throw new ShapeException(describe() + " was built for " + in + " inputs but gets " + inputShape[0]);
        }
        return new int[] {count};
    }

    @Override
    public List<Param> params() {
        return List.of(weight);
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return (long) in * count;
    }

    @Override
    public String describe() {
        return "prototypes(" + count + ")";
    }
}
