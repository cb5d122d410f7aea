package org.sparkdl.core.nn;

import java.util.Arrays;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * {@code x[N, T, K] → y[N, K]}: each sequence's output at its last valid step, what a sequence
 * classifier reads. Its spec token is {@code last}.
 *
 * <p>After a bidirectional recurrent layer the reverse direction's last step is step 0 (it runs
 * backwards from each sequence's end), so there the first {@code forwardFeatures} features are
 * taken at the last valid step and the rest at step 0: together the final states of both
 * directions, PyTorch's packed {@code h_n}.
 */
public final class LastStep implements Layer {
    /** Features read at the last valid step; the rest are read at step 0. */
    private final int forwardFeatures;

    private Tensor x;
    private Tensor y;
    private Tensor dx;

    /** Every feature at each sequence's last valid step. */
    public LastStep() {
        this(Integer.MAX_VALUE);
    }

    private LastStep(int forwardFeatures) {
        this.forwardFeatures = forwardFeatures;
    }

    /** After a bidirectional layer of {@code hidden} units per direction. */
    public static LastStep bidirectional(int hidden) {
        if (hidden <= 0) {
            throw new IllegalArgumentException("hidden must be positive, got " + hidden);
        }
        return new LastStep(hidden);
    }

    /**
     * How many of {@code width} features are read at each sequence's last valid step; the rest are
     * read at step 0.
     */
    public int featuresAtLastStep(int width) {
        return Math.min(forwardFeatures, width);
    }

    /** The step that feature {@code j} of sample {@code i} is read at. */
    private int step(int[] lengths, int i, int steps, int j) {
        return j < forwardFeatures ? Sequences.length(lengths, i, steps) - 1 : 0;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        if (input.rank() != 3) {
            throw new ShapeException(
                    describe() + " expects a sequence batch N x T x K, got " + Shapes.describe(input.shape()));
        }
        x = input;
        int n = input.dim(0);
        int steps = input.dim(1);
        int k = input.dim(2);
        y = Buffers.reuse(y, n, k);
        float[] xd = input.data();
        float[] yd = y.data();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                yd[i * k + j] = xd[(i * steps + step(input.lengths(), i, steps, j)) * k + j];
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = x.dim(0);
        int steps = x.dim(1);
        int k = x.dim(2);
        dx = Buffers.reuse(dx, x.shape());
        float[] d = dx.data();
        float[] g = gradOut.data();
        Arrays.fill(d, 0f);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                d[(i * steps + step(x.lengths(), i, steps, j)) * k + j] = g[i * k + j];
            }
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 2) {
            throw new ShapeException(describe() + " needs a sequence T x K input but gets "
                    + Shapes.describe(inputShape) + "; put it after a recurrent layer");
        }
        if (forwardFeatures != Integer.MAX_VALUE && inputShape[1] != 2 * forwardFeatures) {
            throw new ShapeException(describe() + " was built for a bidirectional output of 2 x " + forwardFeatures
                    + " features but gets " + inputShape[1]);
        }
        return new int[] {inputShape[1]};
    }

    @Override
    public String describe() {
        return "last";
    }
}
