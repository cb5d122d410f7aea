package org.sparkdl.core.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Activation;
import org.sparkdl.core.nn.BatchNorm;
import org.sparkdl.core.nn.Conv2d;
import org.sparkdl.core.nn.Dense;
import org.sparkdl.core.nn.Dropout;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.Flatten;
import org.sparkdl.core.nn.L2Normalize;
import org.sparkdl.core.nn.LastStep;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.LayerFusion;
import org.sparkdl.core.nn.LayerNorm;
import org.sparkdl.core.nn.Pool2d;
import org.sparkdl.core.nn.Prototypes;
import org.sparkdl.core.nn.Recurrent;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.nn.ShapeException;
import org.sparkdl.core.nn.WeightedLayer;
import org.sparkdl.core.tensor.Shapes;

/**
 * A model written as one readable string, e.g.
 * {@code conv(32,5,pad=2) relu maxpool(2) flatten dense(256) relu dropout(0.5) dense(10)}.
 *
 * <p>Building walks the tokens with the per-sample shape, so each layer's input size is inferred
 * and a token that does not fit is reported by position, text and reason.
 *
 * <p>Sequences: an input shape {@code T,F} is a sequence of T steps of F features (28,28: the rows
 * of an image), an input shape {@code T} is T token ids for a first {@code embedding(dim,
 * vocab=V)}. {@code rnn}, {@code lstm}, {@code gru}{@code (hidden, layers=1, dropout=0,
 * bidirectional=false)} take T×F and put out T×H (T×2H bidirectional); {@code dense} on T×F
 * applies per step; {@code last} takes each sequence's last valid step, T×K → K. E.g. {@code
 * lstm(128) last dense(10)} on 28,28, or {@code embedding(32,vocab=60) lstm(64,layers=2) dense(60)}
 * on 100 (next-token logits per step).
 */
public final class ModelSpec {
    /** The CNN-S reference network of the benchmarks, for 1×28×28 input and 10 classes. */
    public static final String CNN_S =
            "conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(256) relu dense(10)";

    /** Builds one layer from its token and input shape. */
    private interface Factory {
        Layer build(Arguments a, int[] in, Context ctx);
    }

    /**
     * What a factory needs beyond its arguments: whether it is the first token, and the reverse
     * direction's features when the input is still a bidirectional layer's output (0 otherwise), for
     * {@code last}.
     */
    private record Context(Kernels kernels, long dropoutSeed, boolean first, int reverseFeatures) {}

    private record Entry(List<String> args, Factory factory) {}

    private static final Map<String, Entry> LAYERS = new TreeMap<>();

    static {
        Factory conv = (a, in, c) -> {
            requireRank(a, in, 3, "a C x H x W input");
            return new Conv2d(
                    c.kernels(),
                    in[0],
                    a.positiveInt("filters", null),
                    a.positiveInt("kernel", null),
                    a.positiveInt("kernel", null),
                    a.positiveInt("stride", 1),
                    a.nonNegativeInt("pad", 0));
        };
        register(conv, List.of("filters", "kernel", "stride", "pad"), "conv", "conv2d");
        Factory dense = (a, in, c) -> {
            if (in.length != 1 && in.length != 2) {
                throw new SpecException(
                        a + ": needs a flat input but gets " + Shapes.describe(in) + "; put 'flatten' before it");
            }
            // on a sequence T x F: per step
            return new Dense(c.kernels(), in[in.length - 1], a.positiveInt("units", null));
        };
        register(dense, List.of("units"), "dense", "linear", "fc");
        register(
                (a, in, c) -> {
                    requireRank(a, in, 1, "a flat input");
                    return new Prototypes(c.kernels(), in[0], a.positiveInt("units", null));
                },
                List.of("units"),
                "prototypes");
        register(
                (a, in, c) -> {
                    requireRank(a, in, 1, "a flat input");
                    return new L2Normalize();
                },
                List.of(),
                "l2norm");
        register(
                (a, in, c) -> {
                    if (!c.first()) {
                        throw new SpecException(a + ": must be the model's first layer; it reads token ids, which are"
                                + " data (no gradient flows into them)");
                    }
                    if (in.length != 1) {
                        throw new SpecException(
                                a + ": needs token ids, an input shape T (steps), but gets " + Shapes.describe(in));
                    }
                    return new Embedding(a.positiveInt("vocab", null), a.positiveInt("dim", null));
                },
                List.of("dim", "vocab"),
                "embedding");
        for (Recurrent.Kind kind : Recurrent.Kind.values()) {
            register(
                    (a, in, c) -> {
                        requireSequence(a, in);
                        return new Recurrent(
                                c.kernels(),
                                kind,
                                in[1],
                                a.positiveInt("hidden", null),
                                a.positiveInt("layers", 1),
                                a.bool("bidirectional", false),
                                a.number("dropout", 0f, 0f, 1f, false),
                                c.dropoutSeed());
                    },
                    List.of("hidden", "layers", "dropout", "bidirectional"),
                    kind.token());
        }
        register(
                (a, in, c) -> {
                    requireSequence(a, in);
                    return c.reverseFeatures() > 0 ? LastStep.bidirectional(c.reverseFeatures()) : new LastStep();
                },
                List.of(),
                "last");
        for (Pool2d.Kind kind : Pool2d.Kind.values()) {
            Factory pool = (a, in, c) -> {
                requireRank(a, in, 3, "a C x H x W input");
                int k = a.positiveInt("kernel", null);
                return new Pool2d(c.kernels(), kind, k, a.positiveInt("stride", k));
            };
            register(pool, List.of("kernel", "stride"), kind == Pool2d.Kind.MAX ? "maxpool" : "avgpool");
        }
        register((a, in, c) -> new Flatten(), List.of(), "flatten");
        register(
                (a, in, c) -> new Dropout(a.number("p", 0.5f, 0f, 1f, false), c.dropoutSeed()),
                List.of("p"),
                "dropout");
        register(
                (a, in, c) -> {
                    if (in.length != 1 && in.length != 3) {
                        throw new SpecException(
                                a + ": needs a flat or C x H x W input but gets " + Shapes.describe(in));
                    }
                    return new BatchNorm(
                            in[0], a.number("momentum", 0.1f, 0f, 1f, true), a.number("eps", 1e-5f, 1e-12f, 1f, true));
                },
                List.of("momentum", "eps"),
                "batchnorm",
                "bn");
        register(
                (a, in, c) -> new LayerNorm(in, a.number("eps", 1e-5f, 1e-12f, 1f, true)),
                List.of("eps"),
                "layernorm",
                "ln");
        register((a, in, c) -> new Activation.ReLU().on(c.kernels()), List.of(), "relu");
        register((a, in, c) -> new Activation.Sigmoid().on(c.kernels()), List.of(), "sigmoid");
        register((a, in, c) -> new Activation.Tanh().on(c.kernels()), List.of(), "tanh");
        register((a, in, c) -> new Activation.GELU().on(c.kernels()), List.of(), "gelu");
        register(
                (a, in, c) -> new Activation.LeakyReLU(a.number("slope", 0.01f, 0f, 1f, true)).on(c.kernels()),
                List.of("slope"),
                "leakyrelu");
        register(
                (a, in, c) -> new Activation.ELU(a.number("alpha", 1f, 0f, Float.MAX_VALUE, true)).on(c.kernels()),
                List.of("alpha"),
                "elu");
    }

    private static void register(Factory f, List<String> args, String... names) {
        for (String n : names) {
            LAYERS.put(n, new Entry(args, f));
        }
    }

    private static void requireRank(Arguments a, int[] in, int rank, String what) {
        if (in.length != rank) {
            throw new SpecException(a + ": needs " + what + " but gets " + Shapes.describe(in)
                    + (in.length == 1 && rank == 3 ? "; give an image input shape such as 1,28,28" : ""));
        }
    }

    private static void requireSequence(Arguments a, int[] in) {
        if (in.length != 2) {
            throw new SpecException(a + ": needs a sequence T x F input (steps, features) but gets "
                    + Shapes.describe(in)
                    + (in.length == 1
                            ? "; give a sequence input shape such as 28,28, or token ids through a first"
                                    + " embedding(dim, vocab=V)"
                            : ""));
        }
    }

    private final String text;
    private final List<LayerToken> tokens;

    private ModelSpec(String text, List<LayerToken> tokens) {
        this.text = text;
        this.tokens = tokens;
    }

    /** Parses the syntax and checks every layer name; shapes are checked by {@link #build}. */
    public static ModelSpec parse(String spec) {
        List<LayerToken> tokens = LayerToken.tokenize(spec);
        for (LayerToken t : tokens) {
            Entry e = LAYERS.get(t.name());
            if (e == null) {
                throw new SpecException(t.where() + ": unknown layer '" + t.name() + "'; expected one of "
                        + String.join(", ", LAYERS.keySet()));
            }
            checkValues(new Arguments(t, e.args())); // names, count and number syntax
        }
        return new ModelSpec(spec.trim(), tokens);
    }

    /** Integer and number arguments must parse; ranges that depend on the layer are checked by build. */
    private static void checkValues(Arguments a) {
        for (String name : List.of("filters", "kernel", "units", "stride", "hidden", "layers", "dim", "vocab")) {
            if (a.has(name)) {
                a.positiveInt(name, 1);
            }
        }
        if (a.has("pad")) {
            a.nonNegativeInt("pad", 0);
        }
        for (String name : List.of("p", "momentum", "eps", "slope", "alpha", "dropout")) {
            if (a.has(name)) {
                a.number(name, 0f, -Float.MAX_VALUE, Float.MAX_VALUE, true);
            }
        }
        if (a.has("bidirectional")) {
            a.bool("bidirectional", false);
        }
    }

    public String text() {
        return text;
    }

    public List<LayerToken> tokens() {
        return tokens;
    }

    /**
     * Builds the model for a per-sample input shape, weights drawn by {@code init} from {@code seed},
     * with each convolution and the ReLU and max pooling after it fused ({@link LayerFusion}): the
     * spec, the state and the results are those of the layers apart, in fewer passes.
     *
     * @param inputShape per sample, e.g. {@code [1, 28, 28]} or {@code [784]}
     */
    public Sequential build(int[] inputShape, Kernels kernels, Initializer init, long seed) {
        List<Layer> layers = buildLayers(inputShape, kernels, init, seed);
        try {
            return new Sequential(inputShape, LayerFusion.fuse(layers));
        } catch (ShapeException ex) {
            throw new SpecException(ex.getMessage(), ex);
        }
    }

    /**
     * The spec's layers, one per token and not fused, with the weights {@link #build} gives them:
     * {@code new Sequential(inputShape, buildLayers(...))} is the model {@code build} makes, with
     * its layers apart.
     */
    public List<Layer> buildLayers(int[] inputShape, Kernels kernels, Initializer init, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Layer> layers = new ArrayList<>();
        int[] shape = inputShape.clone();
        int reverseFeatures = 0;
        for (LayerToken t : tokens) {
            Entry e = LAYERS.get(t.name());
            Arguments args = new Arguments(t, e.args());
            Layer layer;
            try {
                layer = e.factory()
                        .build(args, shape, new Context(kernels, rng.nextLong(), layers.isEmpty(), reverseFeatures));
                int[] out = layer.outputShape(shape);
                if (layer instanceof Recurrent r) {
                    reverseFeatures = r.bidirectional() ? r.hidden() : 0;
                } else if (!java.util.Arrays.equals(out, shape)) {
                    reverseFeatures = 0; // the features are no longer the two directions' halves
                }
                shape = out;
            } catch (SpecException ex) {
                throw ex;
            } catch (IllegalArgumentException ex) {
                throw new SpecException(
                        t.where() + " does not fit input " + Shapes.describe(shape) + ": " + ex.getMessage(), ex);
            }
            if (layer instanceof WeightedLayer w) {
                w.initialize(init, rng.split());
            }
            layers.add(layer);
        }
        return List.copyOf(layers);
    }

    /** Builds with He-normal weights, the default for ReLU networks. */
    public Sequential build(int[] inputShape, Kernels kernels, long seed) {
        return build(inputShape, kernels, Initializer.HE_NORMAL, seed);
    }

    /** The spec's layer names, for docs and error messages. */
    public static List<String> layerNames() {
        return List.copyOf(LAYERS.keySet());
    }

    @Override
    public String toString() {
        return text;
    }
}
