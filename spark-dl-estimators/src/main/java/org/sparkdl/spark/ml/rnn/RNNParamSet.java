package org.sparkdl.spark.ml.rnn;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.spark.ml.param.Validators;

/**
 * The recurrent family's own params, declared once with their docs, validators and defaults; the
 * training params come from the shared groups. One instance per stage.
 */
public final class RNNParamSet implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String CLASSIFY = "classify";
    public static final String LANGUAGE_MODEL = "language-model";
    public static final List<String> TASKS = List.of(CLASSIFY, LANGUAGE_MODEL);
    /** Stands for the learned vocabulary's size in a language model's spec. */
    public static final String VOCAB = "{vocab}";

    public static final String CLASSIFY_SPEC = "lstm(128) last dense(10)";
    public static final String LANGUAGE_MODEL_SPEC = "embedding(64, vocab={vocab}) lstm(256) dense({vocab})";

    final Param<String> task;
    final Param<String> spec;
    final Param<String> sequenceShape;
    final IntParam maxSequenceLength;
    final Param<String> initializer;
    final Param<String> featuresCol;
    final Param<String> labelCol;
    final Param<String> predictionCol;
    final Param<String> rawPredictionCol;
    final Param<String> probabilityCol;
    final IntParam bpttLength;
    final IntParam sequenceLength;
    final IntParam vocabularySize;
    final IntParam minCharCount;
    final Param<String> promptCol;
    final Param<String> generatedCol;
    final IntParam generateLength;
    final DoubleParam temperature;
    final IntParam topK;

    RNNParamSet(Params p) {
        task = new Param<>(
                p,
                "task",
                "classify (a sequence to a class) or language-model (next character of a text column)",
                Validators.oneOf(TASKS));
        spec = new Param<>(
                p,
                "spec",
                "the network as a spec string; classify default '" + CLASSIFY_SPEC + "', language-model default '"
                        + LANGUAGE_MODEL_SPEC + "', where " + VOCAB + " stands for the learned vocabulary's size",
                (Validators.Check<String>) v -> v != null && parses(v));
        sequenceShape = new Param<>(
                p,
                "sequenceShape",
                "steps,features of a Vector features column read as a sequence, e.g. '28,28' (an image's rows);"
                        + " empty for array columns",
                Validators.shape("sequenceShape"));
        maxSequenceLength = new IntParam(
                p,
                "maxSequenceLength",
                "longest sequence (steps) an array features column may hold; longer ones are an error (>= 1)",
                Validators.intAtLeast(1));
        initializer = new Param<>(
                p,
                "initializer",
                "weight initialiser: " + org.sparkdl.core.init.Initializer.CHOICES,
                Validators.initializer("initializer"));
        featuresCol = new Param<>(
                p,
                "featuresCol",
                "classify: the sequences (array<array<double>> of steps, array<int> of token ids, or a Vector with"
                        + " sequenceShape); language-model: the text",
                Validators.nonBlank());
        labelCol = new Param<>(p, "labelCol", "class index column (classify)", Validators.nonBlank());
        predictionCol = new Param<>(p, "predictionCol", "predicted class column (classify)");
        rawPredictionCol = new Param<>(p, "rawPredictionCol", "logits column (classify)");
        probabilityCol = new Param<>(p, "probabilityCol", "class probabilities column (classify)");
        bpttLength = new IntParam(
                p,
                "bpttLength",
                "language-model: steps per truncated-backpropagation chunk; the state is carried, without gradient,"
                        + " into the next chunk (>= 1)",
                Validators.intAtLeast(1));
        sequenceLength = new IntParam(
                p,
                "sequenceLength",
                "language-model: characters per training window, cut in order from each partition's text; a"
                        + " multiple of bpttLength",
                Validators.intAtLeast(1));
        vocabularySize = new IntParam(
                p,
                "vocabularySize",
                "language-model: most characters in the vocabulary learned by fit, the unknown token included (>= 2)",
                Validators.intAtLeast(2));
        minCharCount = new IntParam(
                p,
                "minCharCount",
                "language-model: a character seen fewer times in the training text is unknown (>= 1)",
                Validators.intAtLeast(1));
        promptCol = new Param<>(
                p,
                "promptCol",
                "language-model: a text column whose rows transform continues; empty: transform scores nothing");
        generatedCol = new Param<>(p, "generatedCol", "language-model: the generated continuation column");
        generateLength = new IntParam(
                p,
                "generateLength",
                "language-model: characters generated per prompt (>= 1)",
                Validators.intAtLeast(1));
        temperature = new DoubleParam(
                p, "temperature", "language-model: sampling temperature (> 0)", Validators.doubleAbove(0));
        topK = new IntParam(
                p,
                "topK",
                "language-model: sample among the k most likely characters; 0 = all",
                Validators.intAtLeast(0));

        p.setDefault(task, CLASSIFY);
        p.setDefault(spec, CLASSIFY_SPEC);
        p.setDefault(sequenceShape, "");
        p.setDefault(maxSequenceLength, 256);
        p.setDefault(initializer, "xavier_uniform");
        p.setDefault(featuresCol, "features");
        p.setDefault(labelCol, "label");
        p.setDefault(predictionCol, "prediction");
        p.setDefault(rawPredictionCol, "rawPrediction");
        p.setDefault(probabilityCol, "probability");
        p.setDefault(bpttLength, 64);
        p.setDefault(sequenceLength, 256);
        p.setDefault(vocabularySize, 256);
        p.setDefault(minCharCount, 1);
        p.setDefault(promptCol, "");
        p.setDefault(generatedCol, "generated");
        p.setDefault(generateLength, 200);
        p.setDefault(temperature, 1.0);
        p.setDefault(topK, 0);
    }

    /** Whether the spec parses, with {@value #VOCAB} read as a vocabulary of 2. */
    static boolean parses(String spec) {
        try {
            ModelSpec.parse(spec.replace(VOCAB, "2"));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
