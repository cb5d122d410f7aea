package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * A recurrent layer as PyTorch's {@code nn.RNN}, {@code nn.LSTM} and {@code nn.GRU} with {@code
 * batch_first=True}: {@code x[N, T, F] → y[N, T, D·H]}, every step's hidden state of the top layer,
 * D = 2 when bidirectional (forward then reverse direction, concatenated per step).
 *
 * <p>{@code layers} stacked layers, each with its own parameters, named as PyTorch names them
 * ({@code weight_ih_l0}, {@code weight_hh_l0}, {@code bias_ih_l0}, {@code bias_hh_l0}, then {@code
 * ..._l0_reverse}, then {@code _l1}...), so weights map 1:1. Between stacked layers, in training,
 * inverted dropout with probability {@code dropout}, drawn from a seeded generator ({@link
 * #reseed}).
 *
 * <p>Sequences with lengths ({@link Tensor#withLengths}): each sample runs over its own valid
 * steps only; outputs at padded steps are 0, the state is not advanced past a sequence's end, and
 * gradients at padded steps are ignored. The reverse direction starts at each sequence's last valid
 * step, as PyTorch's packed sequences do.
 *
 * <p>State carrying for truncated backpropagation through time: {@link StatefulLayer}; every layer
 * and direction carries its final (hidden, and for LSTM cell) state. That is what chunked training
 * needs for unidirectional layers; a bidirectional layer carries its reverse direction's state too,
 * as feeding PyTorch's {@code h_n} back as {@code h_0} would, but its reverse pass over a chunk is
 * not that of the whole sequence, so chunks equal one long forward only for unidirectional layers.
 * The time
 * loop is {@link RecurrentDirection}'s; the step arithmetic a {@link RecurrentCell}'s.
 */
public final class Recurrent implements WeightedLayer, StatefulLayer, Reseedable {
    /** The cell, and its spec token. */
    public enum Kind {
        RNN,
        LSTM,
        GRU;

        RecurrentCell cell() {
            return switch (this) {
                case RNN -> new RnnCell();
                case LSTM -> new LstmCell();
                case GRU -> new GruCell();
            };
        }

        /** {@code rnn}, {@code lstm} or {@code gru}. */
        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Kind kind;
    private final int in;
    private final int hidden;
    private final int layers;
    private final int directions;
    private final float dropout;
    /** [layer][direction] */
    private final RecurrentDirection[][] runs;
    /** The dropout after each layer but the last; none when {@code dropout} is 0. */
    private final Dropout[] between;

    private final List<Param> params = new ArrayList<>();
    private boolean inputGradient = true;

    // forward's tensors, kept for backward
    private Tensor x;
    private final Tensor[] outputs;
    /** Each layer's input as it ran: x, or the previous layer's output after dropout. */
    private final float[][] inputs;

    private final Tensor[] inputGrads;
    private Tensor dx;
    private boolean dropped;

    // truncated BPTT
    private boolean carry;
    private int carriedBatch; // 0: nothing carried
    private float[] carriedH; // [layer·D + direction][N, H]
    private float[] carriedC;

    /** One layer, one direction, no dropout. */
    public Recurrent(Kernels kernels, Kind kind, int in, int hidden) {
        this(kernels, kind, in, hidden, 1, false, 0f, 0L);
    }

    /**
     * @param in features per step F
     * @param dropout between stacked layers in training, in [0, 1)
     * @param seed of the dropout masks
     */
    public Recurrent(
            Kernels kernels,
            Kind kind,
            int in,
            int hidden,
            int layers,
            boolean bidirectional,
            float dropout,
            long seed) {
        if (in <= 0 || hidden <= 0 || layers <= 0) {
            throw new IllegalArgumentException(
                    kind.token() + " needs positive sizes, got in=" + in + " hidden=" + hidden + " layers=" + layers);
        }
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + dropout);
        }
        this.kind = kind;
        this.in = in;
        this.hidden = hidden;
        this.layers = layers;
        this.directions = bidirectional ? 2 : 1;
        this.dropout = dropout;
        this.runs = new RecurrentDirection[layers][directions];
        RecurrentCell cell = kind.cell();
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < directions; d++) {
                int layerIn = l == 0 ? in : directions * hidden;
                runs[l][d] = new RecurrentDirection(
                        kernels, cell, layerIn, hidden, d == 1, "_l" + l + (d == 1 ? "_reverse" : ""));
                params.addAll(runs[l][d].params());
            }
        }
        this.between = new Dropout[dropout > 0f ? layers - 1 : 0];
        reseed(seed);
        this.outputs = new Tensor[layers];
        this.inputs = new float[layers][];
        this.inputGrads = new Tensor[layers];
    }

    public Kind kind() {
        return kind;
    }

    public int hidden() {
        return hidden;
    }

    /** Stacked layers. */
    public int layers() {
        return layers;
    }

    public boolean bidirectional() {
        return directions == 2;
    }

    /** The dropout between stacked layers in training (0: none). */
    public float dropout() {
        return dropout;
    }

    /** Features per output step: H, or 2H when bidirectional. */
    public int outputFeatures() {
        return directions * hidden;
    }

    @Override
    public void reseed(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (int l = 0; l < between.length; l++) {
            between[l] = new Dropout(dropout, rng.nextLong());
        }
    }

    /** PyTorch's default for every recurrent weight and bias, U(−1/√H, 1/√H); {@code init} is for feed-forward layers. */
    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        for (RecurrentDirection[] layer : runs) {
            for (RecurrentDirection run : layer) {
                run.initialize(rng);
            }
        }
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
    }

    @Override
    public void setCarryState(boolean carry) {
        this.carry = carry;
        if (!carry) {
            resetState();
        }
    }

    @Override
    public void resetState() {
        carriedBatch = 0;
    }

    @Override
    public Tensor forward(Tensor input, boolean training) {
        if (input.rank() != 3 || input.dim(2) != in) {
            throw new ShapeException(
                    describe() + " expects a sequence batch N x T x " + in + ", got " + Shapes.describe(input.shape()));
        }
        int n = input.dim(0);
        int steps = input.dim(1);
        int[] lengths = input.lengths();
        int width = directions * hidden;
        boolean fromCarried = carry && carriedBatch != 0;
        if (fromCarried && carriedBatch != n) {
            throw new IllegalStateException(describe() + " carries the state of a batch of " + carriedBatch
                    + " sequences but gets " + n + "; call resetState() between batches of sequences");
        }
        x = input;
        dropped = training && between.length > 0;
        float[] layerInput = input.data();
        for (int l = 0; l < layers; l++) {
            inputs[l] = layerInput;
            outputs[l] = Buffers.reuse(outputs[l], n, steps, width);
            for (int d = 0; d < directions; d++) {
                int state = (l * directions + d) * n * hidden;
                runs[l][d].forward(
                        layerInput,
                        n,
                        steps,
                        lengths,
                        fromCarried ? carriedH : null,
                        fromCarried ? carriedC : null,
                        state,
                        outputs[l].data(),
                        width,
                        d * hidden);
            }
            if (l + 1 < layers) {
                layerInput = dropped ? between[l].forward(outputs[l], true).data() : outputs[l].data();
            }
        }
        if (carry) {
            keepFinalState(n);
        }
        return Sequences.keepLengths(input, outputs[layers - 1]);
    }

    /** Copies every layer's and direction's final state, the next forward's initial state. */
    private void keepFinalState(int n) {
        int size = layers * directions * n * hidden;
        carriedH = Buffers.reuse(carriedH, size);
        if (kind == Kind.LSTM) {
            carriedC = Buffers.reuse(carriedC, size);
        }
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < directions; d++) {
                runs[l][d].copyFinalState(carriedH, carriedC, (l * directions + d) * n * hidden);
            }
        }
        carriedBatch = n;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        int width = directions * hidden;
        float[] g = gradOut.data();
        for (int l = layers - 1; l >= 0; l--) {
            float[] layerDx = null;
            if (l > 0) {
                inputGrads[l] = Buffers.reuse(inputGrads[l], outputs[l - 1].shape());
                layerDx = inputGrads[l].data();
            } else if (inputGradient) {
                dx = Buffers.reuse(dx, x.shape());
                layerDx = dx.data();
            }
            for (int d = 0; d < directions; d++) {
                runs[l][d].backward(g, width, d * hidden, layerDx, d > 0);
            }
            if (l > 0) {
                g = dropped ? between[l - 1].backward(inputGrads[l]).data() : layerDx;
            }
        }
        return inputGradient ? dx : null;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        if (inputShape.length != 2) {
            throw new ShapeException(
                    describe() + " needs a sequence T x F input but gets " + Shapes.describe(inputShape)
                            + (inputShape.length == 1
                                    ? "; give a sequence input shape such as 28,28 (steps, features), or token ids"
                                            + " through embedding(dim, vocab=V) first"
                                    : ""));
        }
        if (inputShape[1] != in) {
            throw new ShapeException(
                    describe() + " was built for " + in + " features per step but gets " + inputShape[1]);
        }
        return new int[] {inputShape[0], directions * hidden};
    }

    @Override
    public List<Param> params() {
        return List.copyOf(params);
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        long macs = 0;
        for (RecurrentDirection[] layer : runs) {
            for (RecurrentDirection run : layer) {
                macs += run.macsPerStep();
            }
        }
        return macs * inputShape[0];
    }

    @Override
    public String describe() {
        return kind.token() + "(" + hidden + (layers > 1 ? ",layers=" + layers : "")
                + (dropout > 0f ? ",dropout=" + dropout : "") + (directions == 2 ? ",bidirectional=true" : "") + ")";
    }
}
