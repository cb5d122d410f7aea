package org.sparkdl.spark.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.spark.ml.param.HasTrainingParams;
import scala.Function1;

/**
 * Command-line flags that set a stage's params. A flag given is parsed and checked by the param's
 * own validator before Spark starts, and an error names the flag; a flag not given leaves the
 * param's default, so defaults are declared once, with the param.
 */
final class ParamFlags {
    private final Map<String, String> params = new LinkedHashMap<>();

    /** The flags of the training params every estimator shares (HasTrainingParams). */
    private static final String[] TRAINING = {
        "optimizer", "optimizer",
        "lr", "learningRate",
        "weight-decay", "weightDecay",
        "batch", "batchSize",
        "epochs", "maxEpochs",
        "averaging", "averagingFrequency",
        "average-optimizer-state", "averageOptimizerState",
        "partitions", "numPartitions",
        "block-size-mb", "maxBlockSizeInMB",
        "feature-storage", "featureStorage",
        "seed", "seed",
        "initializer", "initializer",
        "schedule", "schedule",
        "warmup", "warmupEpochs",
        "backend", "backend",
        "checkpoint-dir", "checkpointDir"
    };

    /** A family's own flags, then the shared training flags. */
    static ParamFlags withTraining(String... ownFlagsAndParams) {
        String[] all = Arrays.copyOf(ownFlagsAndParams, ownFlagsAndParams.length + TRAINING.length);
        System.arraycopy(TRAINING, 0, all, ownFlagsAndParams.length, TRAINING.length);
        return new ParamFlags(all);
    }

    /** @param flagsAndParams pairs: flag name (without --), then the param it sets */
    ParamFlags(String... flagsAndParams) {
        for (int i = 0; i < flagsAndParams.length; i += 2) {
            params.put(flagsAndParams[i], flagsAndParams[i + 1]);
        }
    }

    Set<String> flags() {
        return params.keySet();
    }

    /**
     * Sets every given flag's param on {@code stage}, then checks the optimizer's params together
     * (--weight-decay is AdamW's), so that flags that do not fit fail before Spark starts.
     */
    <T extends Params> T apply(Options options, T stage) {
        params.forEach((flag, name) -> {
            if (options.has(flag)) {
                set(stage, stage.getParam(name), flag, options.get(flag, null));
            }
        });
        if (stage instanceof HasTrainingParams<?> training) {
            try {
                training.optimizerConfig();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--optimizer " + training.getOptimizer() + ": " + e.getMessage(), e);
            }
        }
        return stage;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void set(Params stage, Param<?> p, String flag, String text) {
        Object v = parse(p, flag, text);
        boolean valid;
        try {
            valid = (Boolean) ((Function1) p.isValid()).apply(v);
        } catch (IllegalArgumentException e) { // a validator that says why
            throw new IllegalArgumentException("--" + flag + " " + text + " is not valid: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new IllegalArgumentException("--" + flag + " " + text + " is not valid: " + p.doc());
        }
        stage.set((Param) p, v);
    }

    private static Object parse(Param<?> p, String flag, String text) {
        try {
            if (p instanceof IntParam) {
                return Integer.parseInt(text);
            }
            if (p instanceof LongParam) {
                return Long.parseLong(text);
            }
            if (p instanceof DoubleParam) {
                return Double.parseDouble(text);
            }
            if (p instanceof BooleanParam) {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new NumberFormatException(text);
                }
                return Boolean.parseBoolean(text);
            }
            if (p instanceof IntArrayParam) {
                return Arrays.stream(text.split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim()))
                        .toArray();
            }
            return text;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + flag + " takes " + kind(p) + ", got '" + text + "': " + p.doc());
        }
    }

    private static String kind(Param<?> p) {
        if (p instanceof IntParam || p instanceof LongParam) {
            return "an integer";
        }
        if (p instanceof DoubleParam) {
            return "a number";
        }
        if (p instanceof BooleanParam) {
            return "true or false";
        }
        return "comma-separated integers";
    }

    /** {@code [--flag default]} for each flag, with the stage's defaults. */
    String usage(Params stage) {
        StringBuilder sb = new StringBuilder();
        params.forEach((flag, name) -> {
            Param<?> p = stage.getParam(name);
            Object d = stage.hasDefault(p) ? stage.getDefault(p).get() : null;
            String shown = d instanceof int[] a ? Arrays.toString(a) : String.valueOf(d);
            sb.append(sb.length() == 0 ? "" : " ")
                    .append("[--")
                    .append(flag)
                    .append(' ')
                    .append(d == null ? "<" + name + ">" : shown)
                    .append(']');
        });
        return sb.toString();
    }
}
