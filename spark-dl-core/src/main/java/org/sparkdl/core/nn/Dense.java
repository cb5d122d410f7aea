package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** Fully connected: {@code y[N,out] = x[N,in] · Wᵀ[in,out] + b[out]}, W stored out×in as in PyTorch. */
public final class Dense implements WeightedLayer {
    private final Kernels kernels;
    private final int in;
    private final int out;
    private final Param weight;
    private final Param bias;
    private boolean inputGradient = true;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    public Dense(Kernels kernels, int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("dense sizes must be positive, got in=" + in + " out=" + out);
        }
        this.kernels = kernels;
        this.in = in;
        this.out = out;
        this.weight = new Param("weight", Tensor.zeros(out, in), true);
        this.bias = new Param("bias", Tensor.zeros(out), false);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        init.fill(weight.data(), in, out, rng);
        java.util.Arrays.fill(bias.data(), 0f);
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = input.dim(0);
        if (input.sampleSize() != in) {
            throw new ShapeException(describe() + " expects " + in + " input features per sample, got "
                    + Shapes.describe(Shapes.sampleShape(input.shape())));
        }
        x = input;
        y = Buffers.reuse(y, n, out);
        float[] yd = y.data();
        float[] b = bias.data();
        for (int i = 0; i < n; i++) {
            System.arraycopy(b, 0, yd, i * out, out);
        }
        // y[N,out] += x[N,in] · Wᵀ
        kernels.sgemm(false, true, n, out, in, 1f, input.data(), 0, weight.data(), 0, 1f, yd, 0);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = x.dim(0);
        float[] g = gradOut.data();
        // dW[out,in] += dyᵀ[out,N] · x[N,in];  db[out] += Σ_N dy
        kernels.sgemm(true, false, out, in, n, 1f, g, 0, x.data(), 0, 1f, weight.gradData(), 0);
        float[] db = bias.gradData();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < out; j++) {
                db[j] += g[i * out + j];
            }
        }
        if (!inputGradient) {
            return null;
        }
        // dx[N,in] = dy[N,out] · W[out,in], shaped like the input
        dx = Buffers.reuse(dx, x.shape());
        kernels.sgemm(false, false, n, in, out, 1f, g, 0, weight.data(), 0, 0f, dx.data(), 0);
        return dx;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 1) {
            throw new ShapeException(describe() + " needs a flat input but gets " + Shapes.describe(inputShape)
                    + "; put 'flatten' before it");
        }
        if (inputShape[0] != in) {
            throw new ShapeException(describe() + " was built for " + in + " inputs but gets " + inputShape[0]);
        }
        return new int[] {out};
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return (long) in * out;
    }

    @Override
    public String describe() {
        return "dense(" + out + ")";
    }
}
