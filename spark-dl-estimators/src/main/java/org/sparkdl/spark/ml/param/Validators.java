package org.sparkdl.spark.ml.param;

import java.util.List;
import java.util.Locale;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import scala.Function1;

/**
 * Param validators as the Scala functions Spark's Param constructors take. They are serialisable:
 * a stage travels with its params (CrossValidator, closures), validators included.
 */
public final class Validators {
    private Validators() {}

    /** A serialisable Scala predicate, so that Java lambdas can be param validators. */
    @FunctionalInterface
    public interface Check<T> extends Function1<T, Object>, java.io.Serializable {}

    /** A column name: neither null nor blank. */
    public static Check<String> nonBlank() {
        return v -> v != null && !v.isBlank();
    }

    /** A serialisable predicate over doubles. */
    @FunctionalInterface
    public interface DoubleCheck extends java.io.Serializable {
        boolean test(double v);
    }

    /** A check over a double value, for DoubleParam's erased signature. */
    public static Check<Object> doubles(DoubleCheck ok) {
        return v -> ok.test((Double) v);
    }

    public static Check<Object> intAtLeast(int min) {
        return v -> ((Integer) v) >= min;
    }

    public static Check<Object> doubleAtLeast(double min) {
        return v -> ((Double) v) >= min && Double.isFinite((Double) v);
    }

    public static Check<Object> doubleAbove(double min) {
        return v -> ((Double) v) > min && Double.isFinite((Double) v);
    }

    public static Check<Object> doubleIn(double lo, double hi) {
        return v -> ((Double) v) >= lo && ((Double) v) <= hi;
    }

    /** A value in (lo, hi]. */
    public static Check<Object> doubleAboveAtMost(double lo, double hi) {
        return v -> ((Double) v) > lo && ((Double) v) <= hi;
    }

    /** A value in [lo, hi). */
    public static Check<Object> doubleAtLeastBelow(double lo, double hi) {
        return v -> ((Double) v) >= lo && ((Double) v) < hi;
    }

    public static Check<String> oneOf(List<String> allowed) {
        return v -> v != null && allowed.contains(v.toLowerCase(Locale.ROOT));
    }

    /** A shape such as {@code 1,28,28}; empty means "a flat vector of the input's length". */
    public static Check<String> shape(String param) {
        return parses(param, v -> {
            if (!v.isBlank()) {
                Shapes.parse(v);
            }
        });
    }

    /** A spec that parses (whether it fits the input shape is checked by transformSchema). */
    public static Check<String> spec(String param) {
        return parses(param, ModelSpec::parse);
    }

    public static Check<String> initializer(String param) {
        return parses(param, Initializer::parse);
    }

    /** What a text param's value must survive: its parser, which names what is wrong. */
    @FunctionalInterface
    public interface Parser extends java.io.Serializable {
        void parse(String value);
    }

    /**
     * A value {@code parser} accepts. A value it refuses fails with the parser's own reason (the bad
     * token of a spec, say) rather than Spark's bare "given invalid value": whoever sets the param —
     * a setter, a saved stage being loaded, Spark Connect's ML server — learns why.
     */
    static Check<String> parses(String param, Parser parser) {
        return v -> {
            if (v == null) {
                throw new IllegalArgumentException("param " + param + " must not be null");
            }
            try {
                parser.parse(v);
                return true;
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "param " + param + " '" + v + "' is not valid: " + e.getMessage(), e);
            }
        };
    }

    public static Check<int[]> positiveIncreasing() {
        return v -> {
            for (int i = 0; i < v.length; i++) {
                if (v[i] <= 0 || (i > 0 && v[i] <= v[i - 1])) {
                    return false;
                }
            }
            return true;
        };
    }
}
