package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * A lookup table, PyTorch's {@code nn.Embedding}: token ids {@code x[N, T]} (exact integers stored
 * as floats) → {@code y[N, T, dim]}, {@code y[n, t] = weight[x[n, t]]}, weight [vocab, dim].
 *
 * <p>Ids are data, so there is no input gradient: backward adds each step's output gradient into
 * its token's row and returns null, which makes this a model's first layer. Padded steps of a batch
 * with lengths are not read (their ids may be anything), put out 0 and add nothing.
 */
public final class Embedding implements WeightedLayer {
    private final int vocab;
    private final int dim;
    private final Param weight;
    private Tensor x;
    private Tensor y;

    public Embedding(int vocab, int dim) {
        if (vocab <= 0 || dim <= 0) {
            throw new IllegalArgumentException("embedding sizes must be positive, got vocab=" + vocab + " dim=" + dim);
        }
        this.vocab = vocab;
        this.dim = dim;
        this.weight = new Param("weight", Tensor.zeros(vocab, dim), true);
    }

    public Param weight() {
        return weight;
    }

    /** PyTorch's default, N(0, 1); {@code init} is for layers whose fans set the scale. */
    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        float[] w = weight.data();
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        if (input.rank() != 2) {
            throw new ShapeException(describe() + " expects token ids N x T, got " + Shapes.describe(input.shape()));
        }
        int n = input.dim(0);
        int steps = input.dim(1);
        float[] ids = input.data();
        int[] lengths = input.lengths();
        checkIds(input); // all ids first: a bad batch changes nothing
        x = input;
        y = Buffers.reuse(y, n, steps, dim);
        float[] yd = y.data();
        float[] w = weight.data();
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < Sequences.length(lengths, i, steps); t++) {
                System.arraycopy(w, (int) ids[i * steps + t] * dim, yd, (i * steps + t) * dim, dim);
            }
        }
        Sequences.zeroPadding(yd, n, steps, dim, lengths);
        return Sequences.keepLengths(input, y);
    }

    /**
     * Throws, naming the sample and step, unless every id of {@code input} [N, T] (within each
     * sequence's length) is an integer in [0, vocab).
     */
    public void checkIds(Tensor input) {
        int n = input.dim(0);
        int steps = input.dim(1);
        float[] ids = input.data();
        int[] lengths = input.lengths();
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < Sequences.length(lengths, i, steps); t++) {
                float id = ids[i * steps + t];
                if (!(id >= 0 && id < vocab && id == Math.rint(id))) {
                    String shown =
                            id == Math.rint(id) && Math.abs(id) < 1e9 ? Long.toString((long) id) : Float.toString(id);
                    throw new IllegalArgumentException(describe() + ": token id " + shown + " at sample " + i
                            + ", step " + t + " is not an integer in [0, " + vocab + ")");
                }
            }
        }
    }

    public int vocab() {
        return vocab;
    }

    public int dim() {
        return dim;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int n = x.dim(0);
        int steps = x.dim(1);
        float[] ids = x.data();
        float[] g = gradOut.data();
        float[] dw = weight.gradData();
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < Sequences.length(x.lengths(), i, steps); t++) {
                int row = (int) ids[i * steps + t] * dim;
                int o = (i * steps + t) * dim;
                for (int j = 0; j < dim; j++) {
                    dw[row + j] += g[o + j];
                }
            }
        }
        return null; // ids are data
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 1) {
            throw new ShapeException(
                    describe() + " needs token ids, an input shape T (steps), but gets " + Shapes.describe(inputShape));
        }
        return new int[] {inputShape[0], dim};
    }

    @Override
    public List<Param> params() {
        return List.of(weight);
    }

    @Override
    public String describe() {
        return "embedding(" + dim + ",vocab=" + vocab + ")";
    }
}
