package org.sparkdl.core.nn;

import java.util.List;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Batch normalisation over channel 1 of {@code [N,C]} (dense) or {@code [N,C,H,W]} (conv) input,
 * as PyTorch's BatchNorm1d/2d: training normalises with the batch mean and biased variance and
 * updates running statistics (unbiased variance) with {@code momentum}; inference uses them.
 */
public final class BatchNorm implements Layer {
    private final int channels;
    private final float momentum;
    private final float eps;
    private final Param gamma;
    private final Param beta;
    private final Tensor runningMean;
    private final Tensor runningVar;

    private Tensor x;
    private Tensor y;
    private Tensor dx;
    /** x̂ of the last training forward, for backward. */
    private float[] xhat;

    private final float[] invStd;
    private boolean lastWasTraining;

    public BatchNorm(int channels, float momentum, float eps) {
        if (channels <= 0 || !(momentum >= 0 && momentum <= 1) || !(eps > 0)) {
            throw new IllegalArgumentException("batchnorm needs channels > 0, momentum in [0,1] and eps > 0, got "
                    + channels + ", " + momentum + ", " + eps);
        }
        this.channels = channels;
        this.momentum = momentum;
        this.eps = eps;
        this.gamma = new Param("gamma", Tensor.zeros(channels), false);
        this.beta = new Param("beta", Tensor.zeros(channels), false);
        java.util.Arrays.fill(gamma.data(), 1f);
        this.runningMean = Tensor.zeros(channels);
        this.runningVar = Tensor.zeros(channels);
        java.util.Arrays.fill(runningVar.data(), 1f);
        this.invStd = new float[channels];
    }

    public Param gamma() {
        return gamma;
    }

    public Param beta() {
        return beta;
    }

    public float eps() {
        return eps;
    }

    /** The weight of the batch's statistics in the running ones. */
    public float momentum() {
        return momentum;
    }

    public int channels() {
        return channels;
    }

    public Tensor runningMean() {
        return runningMean;
    }

    public Tensor runningVar() {
        return runningVar;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        if ((input.rank() != 2 && input.rank() != 4) || input.dim(1) != channels) {
            throw new ShapeException(describe() + " for " + channels + " channels expects N x " + channels + " or N x "
                    + channels + " x H x W input, got " + Shapes.describe(input.shape()));
        }
        x = input;
        lastWasTraining = training;
        int n = input.dim(0);
        int spatial = input.sampleSize() / channels;
        int count = n * spatial;
        y = Buffers.reuse(y, input.shape());
        float[] xd = input.data();
        float[] yd = y.data();
        float[] g = gamma.data();
        float[] b = beta.data();
        if (training) {
            if (count < 2) {
                throw new ShapeException("batchnorm in training needs more than one value per channel, got batch " + n
                        + " of " + Shapes.describe(Shapes.sampleShape(input.shape())));
            }
            xhat = Buffers.reuse(xhat, input.size());
        }
        float[] rm = runningMean.data();
        float[] rv = runningVar.data();
        for (int c = 0; c < channels; c++) {
            float mean;
            float is;
            if (training) {
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        sum += xd[base + s];
                    }
                }
                double mu = sum / count;
                double sq = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        double d = xd[base + s] - mu;
                        sq += d * d;
                    }
                }
                double var = sq / count;
                mean = (float) mu;
                is = (float) (1.0 / Math.sqrt(var + eps));
                rm[c] = (1 - momentum) * rm[c] + momentum * mean;
                rv[c] = (float) ((1 - momentum) * rv[c] + momentum * (sq / (count - 1)));
            } else {
                mean = rm[c];
                is = (float) (1.0 / Math.sqrt(rv[c] + eps));
            }
            invStd[c] = is;
            for (int i = 0; i < n; i++) {
                int base = (i * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    float h = (xd[base + s] - mean) * is;
                    if (training) {
                        xhat[base + s] = h;
                    }
                    yd[base + s] = g[c] * h + b[c];
                }
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = x.dim(0);
        int spatial = x.sampleSize() / channels;
        int count = n * spatial;
        float[] dy = gradOut.data();
        dx = Buffers.reuse(dx, x.shape());
        float[] d = dx.data();
        float[] g = gamma.data();
        float[] dg = gamma.gradData();
        float[] db = beta.gradData();
        for (int c = 0; c < channels; c++) {
            if (!lastWasTraining) {
                // Inference: y = γ(x − μ_run)·invStd + β is affine in x.
                float xm = runningMean.data()[c];
                double sumDy = 0;
                double sumDyH = 0;
                for (int i = 0; i < n; i++) {
                    int base = (i * channels + c) * spatial;
                    for (int s = 0; s < spatial; s++) {
                        sumDy += dy[base + s];
                        sumDyH += dy[base + s] * (x.data()[base + s] - xm) * invStd[c];
                        d[base + s] = dy[base + s] * g[c] * invStd[c];
                    }
                }
                db[c] += (float) sumDy;
                dg[c] += (float) sumDyH;
                continue;
            }
            double sumDy = 0;
            double sumDyH = 0;
            for (int i = 0; i < n; i++) {
                int base = (i * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    sumDy += dy[base + s];
                    sumDyH += dy[base + s] * xhat[base + s];
                }
            }
            db[c] += (float) sumDy;
            dg[c] += (float) sumDyH;
            // dx = γ·invStd/M · (M·dy − Σdy − x̂·Σ(dy·x̂))
            float k = g[c] * invStd[c] / count;
            float mDy = (float) sumDy;
            float mDyH = (float) sumDyH;
            for (int i = 0; i < n; i++) {
                int base = (i * channels + c) * spatial;
                for (int s = 0; s < spatial; s++) {
                    d[base + s] = k * (count * dy[base + s] - mDy - xhat[base + s] * mDyH);
                }
            }
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] s) {
        if ((s.length != 1 && s.length != 3) || s[0] != channels) {
            throw new ShapeException(describe() + " for " + channels + " channels cannot take input "
                    + Shapes.describe(s) + "; expected " + channels + " or " + channels + " x H x W");
        }
        return s.clone();
    }

    @Override
    public List<Param> params() {
        return List.of(gamma, beta);
    }

    @Override
    public List<Tensor> buffers() {
        return List.of(runningMean, runningVar);
    }

    @Override
    public List<String> bufferNames() {
        return List.of("running_mean", "running_var");
    }

    @Override
    public String describe() {
        return "batchnorm";
    }
}
