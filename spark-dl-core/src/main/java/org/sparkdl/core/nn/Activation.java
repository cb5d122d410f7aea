package org.sparkdl.core.nn;

import org.sparkdl.core.kernels.Heaviside;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;

/**
 * An element-wise activation {@code y = f(x)}; backward is {@code dx = dy · f'(x)}, with the
 * derivative written from whichever of x or y makes it cheapest.
 */
public abstract class Activation implements Layer {
    private Kernels kernels;
    private Tensor x;
    private Tensor y;
    private Tensor dx;

    /**
     * Splits the element loops across the kernels' workers (a model built from a spec does this);
     * without it they run on the calling thread.
     */
    public Activation on(Kernels kernels) {
        this.kernels = kernels;
        return this;
    }

    /** f(x) */
    protected abstract float apply(float x);

    /** f'(x), given x and y = f(x) */
    protected abstract float derivative(float x, float y);

    /**
     * y = f(x) over elements {@code [from, to)}; activations override it with branch-free loops the
     * JIT vectorises.
     */
    protected void applyRange(float[] x, float[] y, int from, int to) {
        for (int i = from; i < to; i++) {
            y[i] = apply(x[i]);
        }
    }

    /** d = g·f'(x) over elements {@code [from, to)}. */
    protected void backwardRange(float[] x, float[] y, float[] g, float[] d, int from, int to) {
        for (int i = from; i < to; i++) {
            d[i] = g[i] * derivative(x[i], y[i]);
        }
    }

    @Override
    public final Tensor forward(Tensor input, boolean training) {
        x = input;
        y = Buffers.reuse(y, input.shape());
        float[] in = input.data();
        float[] out = y.data();
        ranges(in.length, (from, to) -> applyRange(in, out, from, to));
        return y;
    }

    @Override
    public final Tensor backward(Tensor gradOut) {
        dx = Buffers.reuse(dx, gradOut.shape());
        float[] in = x.data();
        float[] out = y.data();
        float[] g = gradOut.data();
        float[] d = dx.data();
        ranges(g.length, (from, to) -> backwardRange(in, out, g, d, from, to));
        return dx;
    }

    private void ranges(int count, Kernels.RangeBody body) {
        if (kernels == null) {
            body.run(0, count);
        } else {
            kernels.forRanges(count, body);
        }
    }

    @Override
    public final int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    public static final class ReLU extends Activation {
        @Override
        protected float apply(float x) {
            return x > 0f ? x : 0f;
        }

        @Override
        protected float derivative(float x, float y) {
            return x > 0f ? 1f : 0f;
        }

        @Override
        protected void applyRange(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(x[i], 0f);
            }
        }

        @Override
        protected void backwardRange(float[] x, float[] y, float[] g, float[] d, int from, int to) {
            for (int i = from; i < to; i++) {
                d[i] = g[i] * Heaviside.step(x[i]);
            }
        }

        @Override
        public String describe() {
            return "relu";
        }
    }

    public static final class LeakyReLU extends Activation {
        private final float slope;

        public LeakyReLU(float slope) {
            this.slope = slope;
        }

        public float slope() {
            return slope;
        }

        @Override
        protected float apply(float x) {
            return x > 0f ? x : slope * x;
        }

        @Override
        protected float derivative(float x, float y) {
            return x > 0f ? 1f : slope;
        }

        @Override
        protected void applyRange(float[] x, float[] y, int from, int to) {
            for (int i = from; i < to; i++) {
                y[i] = Math.max(x[i], 0f) + slope * Math.min(x[i], 0f);
            }
        }

        @Override
        protected void backwardRange(float[] x, float[] y, float[] g, float[] d, int from, int to) {
            float rest = 1f - slope;
            for (int i = from; i < to; i++) {
                float one = Heaviside.step(x[i]); // 1 where x > 0, else 0
                d[i] = g[i] * (slope + rest * one);
            }
        }

        @Override
        public String describe() {
            return "leakyrelu(" + slope + ")";
        }
    }

    public static final class ELU extends Activation {
        private final float alpha;

        public ELU(float alpha) {
            this.alpha = alpha;
        }

        public float alpha() {
            return alpha;
        }

        @Override
        protected float apply(float x) {
            return x > 0f ? x : (float) (alpha * Math.expm1(x));
        }

        @Override
        protected float derivative(float x, float y) {
            return x > 0f ? 1f : y + alpha;
        }

        @Override
        public String describe() {
            return "elu(" + alpha + ")";
        }
    }

    public static final class Sigmoid extends Activation {
        @Override
        protected float apply(float x) {
            return sigmoid(x);
        }

        @Override
        protected float derivative(float x, float y) {
            return y * (1f - y);
        }

        @Override
        public String describe() {
            return "sigmoid";
        }
    }

    public static final class Tanh extends Activation {
        @Override
        protected float apply(float x) {
            return (float) Math.tanh(x);
        }

        @Override
        protected float derivative(float x, float y) {
            return 1f - y * y;
        }

        @Override
        public String describe() {
            return "tanh";
        }
    }

    /** The exact GELU, {@code x·Φ(x)}, as PyTorch's default. */
    public static final class GELU extends Activation {
        private static final double INV_SQRT_2PI = 1.0 / Math.sqrt(2 * Math.PI);

        @Override
        protected float apply(float x) {
            return (float) (x * Erf.normalCdf(x));
        }

        @Override
        protected float derivative(float x, float y) {
            return (float) (Erf.normalCdf(x) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x));
        }

        @Override
        public String describe() {
            return "gelu";
        }
    }

    /** A logistic sigmoid that does not overflow for large |x|. */
    public static float sigmoid(float x) {
        if (x >= 0) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }
}
