package org.sparkdl.core.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import java.util.function.Function;
import org.sparkdl.core.loss.Loss;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.tensor.Tensor;

/**
 * Finite-difference gradient checks. A layer is reduced to the scalar f = Σ y·R for a fixed
 * random R; central differences of f, accumulated in double, are compared with what backward
 * returns and accumulates: {@code |num − ana| ≤ tol·max(|num| + |ana|, 1e-2)}.
 */
public final class GradientCheck {
    public static final double EPS = 1e-3;
    public static final double TOL = 2e-2;

    private GradientCheck() {}

    /** Checks dInput and every parameter gradient of {@code layer} in training mode. */
    public static void check(Layer layer, Tensor x) {
        check(layer, x, in -> layer.forward(in, true));
    }

    /**
     * As {@link #check(Layer, Tensor)} with steps of {@code eps}: for a layer linear in its input and
     * in each parameter (a convolution), where central differences are exact at any step and a
     * larger one keeps the forward's rounding (Winograd's: about 2e-6 of the largest output) from
     * swamping the difference.
     */
    public static void check(Layer layer, Tensor x, double eps) {
        check(layer, x, in -> layer.forward(in, true), eps);
    }

    /** As {@link #check(Layer, Tensor)} with a custom forward (e.g. dropout with a fixed mask). */
    public static void check(Layer layer, Tensor x, Function<Tensor, Tensor> forward) {
        check(layer, x, forward, EPS);
    }

    private static void check(Layer layer, Tensor x, Function<Tensor, Tensor> forward, double eps) {
        Tensor y0 = forward.apply(x);
        float[] r = new float[y0.size()];
        SplittableRandom rng = new SplittableRandom(42);
        for (int i = 0; i < r.length; i++) {
            r[i] = (float) rng.nextDouble(-1, 1);
        }
        for (Param p : layer.params()) {
            p.zeroGrad();
        }
        forward.apply(x);
        Tensor dx = layer.backward(Tensor.of(r.clone(), y0.shape()));
        float[] ana = dx == null ? null : dx.data().clone();
        float[][] paramGrads = new float[layer.params().size()][];
        for (int i = 0; i < paramGrads.length; i++) {
            paramGrads[i] = layer.params().get(i).gradData().clone();
        }
        Function<Tensor, Double> f = in -> dot(forward.apply(in).data(), r);
        if (ana != null) { // null: the layer skips its input gradient (a model's first layer)
            compare("dInput", x.data(), ana, () -> f.apply(x), eps);
        }
        for (int i = 0; i < paramGrads.length; i++) {
            Param p = layer.params().get(i);
            compare("d" + p.name(), p.data(), paramGrads[i], () -> f.apply(x), eps);
        }
    }

    /** Checks dLoss/dOutput of a loss at {@code output}. */
    public static void checkLoss(Loss loss, Tensor output, Tensor target) {
        loss.forward(output, target);
        float[] ana = loss.backward().data().clone();
        compare("dOutput", output.data(), ana, () -> (double) loss.forward(output, target));
    }

    /** Perturbs each value of {@code values} in place and compares the central difference. */
    public static void compare(String what, float[] values, float[] analytic, java.util.function.Supplier<Double> f) {
        compare(what, values, analytic, f, EPS);
    }

    private static void compare(
            String what, float[] values, float[] analytic, java.util.function.Supplier<Double> f, double eps) {
        int checked = 0;
        for (int j = 0; j < values.length; j++) {
            float orig = values[j];
            values[j] = (float) (orig + eps);
            double plus = f.get();
            values[j] = (float) (orig - eps);
            double minus = f.get();
            values[j] = orig;
            double h = (double) (float) (orig + eps) - (float) (orig - eps);
            double num = (plus - minus) / h;
            double err = Math.abs(num - analytic[j]);
            if (!(err <= TOL * Math.max(Math.abs(num) + Math.abs(analytic[j]), 1e-2))) {
                fail(String.format("%s[%d]: numeric %.6g, analytic %.6g", what, j, num, analytic[j]));
            }
            checked++;
        }
        assertTrue(checked > 0, what + ": nothing to check");
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    /** Normal random values, seeded. */
    public static Tensor randn(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        SplittableRandom rng = new SplittableRandom(seed);
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return t;
    }

    /** Distinct values at least 0.02 apart, shuffled: no ties or kinks within EPS (max pooling). */
    public static Tensor distinct(long seed, int... shape) {
        Tensor t = Tensor.zeros(shape);
        float[] d = t.data();
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < d.length; i++) {
            d[i] = (i - d.length / 2f) * 0.02f + 0.005f;
        }
        for (int i = d.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            float tmp = d[i];
            d[i] = d[j];
            d[j] = tmp;
        }
        return t;
    }

    /** Moves values within {@code margin} of zero away from it (the kink of ReLU-like functions). */
    public static Tensor awayFromZero(Tensor t, float margin) {
        float[] d = t.data();
        for (int i = 0; i < d.length; i++) {
            if (Math.abs(d[i]) < margin) {
                d[i] = d[i] < 0 ? d[i] - margin : d[i] + margin;
            }
        }
        return t;
    }
}
