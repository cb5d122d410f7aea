package org.sparkdl.core.init;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Weight initialisers, seeded. Fans as in PyTorch: dense {@code fanIn = in, fanOut = out}; conv
 * {@code fanIn = C·KH·KW, fanOut = F·KH·KW}. He/Kaiming uses the ReLU gain √2. Biases start at zero, except
 * under {@link #FAN_IN_UNIFORM}, PyTorch's default, which draws them too.
 */
public enum Initializer {
    /** U(−a, a), a = √(6 / (fanIn + fanOut)). */
    XAVIER_UNIFORM {
        @Override
        public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
            uniform(w, Math.sqrt(6.0 / (fanIn + fanOut)), rng);
        }
    },
    /** N(0, σ²), σ = √(2 / (fanIn + fanOut)). */
    XAVIER_NORMAL {
        @Override
        public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
            normal(w, Math.sqrt(2.0 / (fanIn + fanOut)), rng);
        }
    },
    /** U(−a, a), a = √(6 / fanIn). */
    HE_UNIFORM {
        @Override
        public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
            uniform(w, Math.sqrt(6.0 / fanIn), rng);
        }
    },
    /** N(0, σ²), σ = √(2 / fanIn). */
    HE_NORMAL {
        @Override
        public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
            normal(w, Math.sqrt(2.0 / fanIn), rng);
        }
    },
    /**
     * U(−a, a), a = 1/√fanIn, for weights and biases alike: what PyTorch's {@code nn.Linear} and
     * {@code nn.Conv2d} start from (Kaiming uniform with a = √5). Its weights are √6 times smaller than
     * {@link #HE_NORMAL}'s. A model ported from PyTorch trains as it did there: its SimCLR probe fell
     * 0.6 points when started from he_normal instead (the performance notes' pretraining section).
     */
    FAN_IN_UNIFORM {
        @Override
        public void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng) {
            uniform(w, 1.0 / Math.sqrt(fanIn), rng);
        }

        @Override
        public void fillBias(float[] b, int fanIn, SplittableRandom rng) {
            uniform(b, 1.0 / Math.sqrt(fanIn), rng);
        }
    };

    public abstract void fill(float[] w, int fanIn, int fanOut, SplittableRandom rng);

    /** A layer's biases, drawn after its weights: zero unless the scheme says otherwise. */
    public void fillBias(float[] b, int fanIn, SplittableRandom rng) {
        java.util.Arrays.fill(b, 0f);
    }

    /** The names {@link #parse} accepts, for docs and error messages. */
    public static final String CHOICES =
            "he_normal, he_uniform, xavier_normal, xavier_uniform or fan_in_uniform (alias pytorch: PyTorch's default)";

    /** The name used in specs and params: {@code he_normal}, {@code xavier_uniform}, ... */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Accepts {@code he}, {@code kaiming}, {@code xavier}, {@code glorot}, {@code pytorch} and the full names. */
    public static Initializer parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        n = n.replace("kaiming", "he").replace("glorot", "xavier");
        switch (n) {
            case "he":
                return HE_NORMAL;
            case "xavier":
                return XAVIER_UNIFORM;
            case "pytorch":
                return FAN_IN_UNIFORM;
            default:
                for (Initializer i : values()) {
                    if (i.token().equals(n)) {
                        return i;
                    }
                }
        }
        throw new IllegalArgumentException("unknown initializer '" + name + "'; expected " + CHOICES);
    }

    private static void uniform(float[] w, double bound, SplittableRandom rng) {
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextDouble(-bound, bound);
        }
    }

    private static void normal(float[] w, double std, SplittableRandom rng) {
        for (int i = 0; i < w.length; i += 2) {
            // Box–Muller: two independent normals per pair of uniforms.
            double u1 = 1.0 - rng.nextDouble();
            double u2 = rng.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u1));
            w[i] = (float) (std * r * Math.cos(2 * Math.PI * u2));
            if (i + 1 < w.length) {
                w[i + 1] = (float) (std * r * Math.sin(2 * Math.PI * u2));
            }
        }
    }
}
