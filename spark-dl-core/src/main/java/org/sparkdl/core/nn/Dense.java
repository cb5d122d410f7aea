package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Fully connected: {@code y[N,out] = x[N,in] · Wᵀ[in,out] + b[out]}, W stored out×in as in PyTorch.
 *
 * <p>On a sequence {@code x[N,T,in]} it applies to every step, as one product over the N·T rows:
 * {@code y[N,T,out]}, e.g. next-token logits. Padded steps of a batch with lengths put out 0 and
 * their output gradient is ignored, so padding reaches neither the loss's nor the weights'
 * gradients through this layer.
 */
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
    /** The output gradient with its padded steps zeroed, for sequences with lengths. */
    private float[] maskedGrad;

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
        init.fillBias(bias.data(), in, rng);
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
    }

    /** Whether {@code input} is a sequence N×T×in, to which this layer applies per step. */
    private boolean perStep(Tensor input) {
        return input.rank() == 3 && input.dim(2) == in;
    }

    /** Rows of the product: N·T for a sequence applied per step, else N. */
    private int rows(Tensor input) {
        if (perStep(input)) {
            return input.dim(0) * input.dim(1);
        }
        if (input.sampleSize() == in) {
            return input.dim(0);
        }
        throw new ShapeException(describe() + " expects " + in + " input features per sample or per step, got "
                + Shapes.describe(Shapes.sampleShape(input.shape())));
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        int n = rows(input);
        boolean perStep = perStep(input);
        x = input;
        y = Buffers.reuse(y, perStep ? new int[] {input.dim(0), input.dim(1), out} : new int[] {n, out});
        float[] yd = y.data();
        float[] b = bias.data();
        for (int i = 0; i < n; i++) {
            System.arraycopy(b, 0, yd, i * out, out);
        }
        // y[N,out] += x[N,in] · Wᵀ   (N·T rows for a sequence)
        kernels.sgemm(false, true, n, out, in, 1f, input.data(), 0, weight.data(), 0, 1f, yd, 0);
        if (perStep) {
            Sequences.zeroPadding(yd, input.dim(0), input.dim(1), out, input.lengths());
            return Sequences.keepLengths(input, y);
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = rows(x);
        float[] g = gradOut.data();
        int[] lengths = perStep(x) ? x.lengths() : null;
        if (lengths != null) {
            // padded steps put out a constant 0: whatever gradient reaches them goes nowhere
            maskedGrad = Buffers.reuse(maskedGrad, g.length);
            System.arraycopy(g, 0, maskedGrad, 0, g.length);
            Sequences.zeroPadding(maskedGrad, x.dim(0), x.dim(1), out, lengths);
            g = maskedGrad;
        }
        // dW[out,in] += dyᵀ[out,N] · x[N,in] (or = where dW is still zero);  db[out] += Σ_N dy
        float beta = weight.accumulationBeta();
        kernels.sgemm(true, false, out, in, n, 1f, g, 0, x.data(), 0, beta, weight.gradArray(), 0);
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
        if (inputShape.length != 1 && inputShape.length != 2) {
            throw new ShapeException(describe() + " needs a flat input (or a sequence T x F, per step) but gets "
                    + Shapes.describe(inputShape) + "; put 'flatten' before it");
        }
        int features = inputShape[inputShape.length - 1];
        if (features != in) {
            throw new ShapeException(describe() + " was built for " + in + " inputs but gets " + features);
        }
        return inputShape.length == 1 ? new int[] {out} : new int[] {inputShape[0], out};
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return (long) in * out * (inputShape.length == 2 ? inputShape[0] : 1);
    }

    @Override
    public String describe() {
        return "dense(" + out + ")";
    }
}
