package org.sparkdl.spark.ml.rnn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.HashMap;
import java.util.List;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.task.ClassificationTaskFactory;
import org.sparkdl.core.task.LanguageModelTaskFactory;
import org.sparkdl.core.task.NetworkTask;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.text.CharVocabulary;
import org.sparkdl.core.train.TaskFactory;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.train.DataLayout;
import org.sparkdl.spark.train.ParameterAveraging;
import org.sparkdl.spark.train.RowPacker;
import org.sparkdl.spark.train.TrainingData;
import org.sparkdl.spark.train.TrainingPlan;
import org.sparkdl.spark.train.TrainingResult;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * {@link RNNSequencer}'s glue over the engine: the sequence column's form and shape, the spec
 * checked against them, a packer, the classification or language-model task, and the driver.
 */
final class RNNFit {
    private static final Logger LOG = LoggerFactory.getLogger(RNNFit.class);

    private RNNFit() {}

    /** What a fit produced: the model state, the vocabulary (language models), the resolved spec and shape. */
    record Fitted(
            float[] weights, CharVocabulary vocabulary, String spec, String inputShape, TrainingSummary summary) {}

    static Fitted run(RNNSequencer est, Dataset<?> dataset) {
        TrainingPlan plan = est.trainingPlan();
        ParameterAveraging.checkOutputs(dataset.sparkSession(), plan);
        String v = est.validationColumn();
        Column isValidation = v.isEmpty() ? lit(false) : col(v).cast("boolean");
        DataLayout layout = est.dataLayout(dataset.sparkSession());
        return est.isLanguageModel()
                ? languageModel(est, dataset, isValidation, layout, plan)
                : classify(est, dataset, isValidation, layout, plan);
    }

    private static Fitted classify(
            RNNSequencer est, Dataset<?> dataset, Column isValidation, DataLayout layout, TrainingPlan plan) {
        String spec = est.effectiveSpec();
        SequencePacker.Form form =
                form(est, dataset.schema().apply(est.getFeaturesCol()).dataType());
        int[] shape = inputShape(est, dataset, form);
        Sequential net = build(spec, shape);
        int classes = Shapes.size(net.outputShape());
        if (net.outputShape().length != 1 || classes < 2) {
            throw new IllegalArgumentException("param spec '" + spec + "' outputs " + Shapes.describe(net.outputShape())
                    + " per sequence; a classifier needs one value per class: end it with 'last dense(classes)'");
        }
        int vocab = 0;
        if (form == SequencePacker.Form.TOKENS) {
            if (!(net.layers().get(0) instanceof Embedding e)) {
                throw new IllegalArgumentException(
                        "featuresCol '" + est.getFeaturesCol() + "' holds token ids: the spec"
                                + " must start with embedding(dim, vocab=V), got '" + spec + "'");
            }
            vocab = e.weight().value().dim(0);
        }
        SequencePacker packer = new SequencePacker(
                form,
                shape[0],
                shape.length > 1 ? shape[1] : 1,
                vocab,
                classes,
                est.getFeaturesCol(),
                est.getLabelCol(),
                est.featureStorageValue());
        Dataset<Row> rows =
                dataset.select(col(est.getFeaturesCol()), col(est.getLabelCol()).cast("double"), isValidation);
        TrainingConfig config = config(est, spec, shape);
        TrainingResult r = train(
                TrainingData.pack(rows, packer, layout),
                new ClassificationTaskFactory(config, est.getAverageOptimizerState()),
                plan);
        return new Fitted(r.state().get(NetworkTask.MODEL).clone(), null, spec, Shapes.join(shape), r.summary());
    }

    private static Fitted languageModel(
            RNNSequencer est, Dataset<?> dataset, Column isValidation, DataLayout layout, TrainingPlan plan) {
        if (est.getSequenceLength() % est.getBpttLength() != 0) {
            throw new IllegalArgumentException("sequenceLength " + est.getSequenceLength()
                    + " must be a multiple of bpttLength " + est.getBpttLength());
        }
        Dataset<Row> rows = dataset.select(col(est.getFeaturesCol()), isValidation);
        TextStats text = textStats(rows, est);
        CharVocabulary vocabulary = text.vocabulary();
        String spec = est.effectiveSpec().replace(RNNParamSet.VOCAB, Integer.toString(vocabulary.size()));
        int[] shape = {est.getBpttLength()};
        Sequential net = build(spec, shape);
        if (!java.util.Arrays.equals(net.outputShape(), new int[] {shape[0], vocabulary.size()})) {
            throw new IllegalArgumentException("param spec '" + spec + "' outputs " + Shapes.describe(net.outputShape())
                    + " for " + shape[0] + " characters; a language model needs the logits of every step over the"
                    + " vocabulary of " + vocabulary.size() + ": end it with dense(" + RNNParamSet.VOCAB + ")");
        }
        LOG.info("spark-dl language model: a vocabulary of {} characters", vocabulary.size());
        RowPacker packer = new TextPacker(vocabulary, est.getSequenceLength(), est.getFeaturesCol());
        TrainingConfig config = config(est, spec, shape);
        TrainingResult r = train(
                TrainingData.pack(rows, packer, layout, text.packedBytes()),
                new LanguageModelTaskFactory(config, est.getAverageOptimizerState()),
                plan);
        return new Fitted(r.state().get(NetworkTask.MODEL).clone(), vocabulary, spec, Shapes.join(shape), r.summary());
    }

    private static TrainingResult train(TrainingData data, TaskFactory factory, TrainingPlan plan) {
        try {
            if (data.trainRows() == 0) {
                throw new IllegalArgumentException("no training samples: the data is empty, or (language-model) each"
                        + " partition's text is shorter than sequenceLength + 1 characters; lower sequenceLength or"
                        + " numPartitions");
            }
            return ParameterAveraging.train(data, factory, plan);
        } finally {
            data.release();
        }
    }

    /** The training text's characters, counted on the executors. */
    /**
     * What one pass over the text gives: the vocabulary, learnt from the training rows, and the
     * bytes all rows take once packed, which decides the chunks (a row's text has no bound).
     */
    private record TextStats(CharVocabulary vocabulary, long packedBytes) {}

    /** Per-character counts of the training rows and the characters of all rows, from one partition. */
    private record Counts(HashMap<Integer, Long> training, long allChars) implements java.io.Serializable {
        Counts merge(Counts o) {
            HashMap<Integer, Long> m = new HashMap<>(training);
            o.training.forEach((k, n) -> m.merge(k, n, Long::sum));
            return new Counts(m, allChars + o.allChars);
        }
    }

    private static TextStats textStats(Dataset<Row> rows, RNNSequencer est) {
        Counts counts = SparkErrors.unwrap(() -> rows.javaRDD()
                .mapPartitions(it -> {
                    HashMap<Integer, Long> c = new HashMap<>();
                    long chars = 0;
                    while (it.hasNext()) {
                        Row r = it.next();
                        if (!r.isNullAt(0)) {
                            chars += r.getString(0).length() + 1; // and the newline that ends a record
                            if (!(!r.isNullAt(1) && r.getBoolean(1))) {
                                CharVocabulary.count(r.getString(0), c);
                            }
                        }
                    }
                    return List.of(new Counts(c, chars)).iterator();
                })
                .reduce(Counts::merge));
        if (counts.training().isEmpty()) {
            throw new IllegalArgumentException("featuresCol '" + est.getFeaturesCol() + "' holds no text to learn a"
                    + " vocabulary from (outside the validation rows)");
        }
        // Packing holds a chunk's ids twice at its end: the records' stream and the windows cut from it.
        return new TextStats(
                CharVocabulary.fromCounts(counts.training(), est.getVocabularySize(), est.getMinCharCount()),
                counts.allChars() * 2 * Integer.BYTES);
    }

    static SequencePacker.Form form(RNNParams<?> p, DataType type) {
        if (type instanceof VectorUDT) {
            return SequencePacker.Form.VECTOR;
        }
        if (type instanceof ArrayType a) {
            if (a.elementType() instanceof ArrayType inner && inner.elementType() instanceof NumericType) {
                return SequencePacker.Form.STEPS;
            }
            if (a.elementType() instanceof IntegerType || a.elementType() instanceof LongType) {
                return SequencePacker.Form.TOKENS;
            }
        }
        throw new IllegalArgumentException("featuresCol '" + p.getFeaturesCol() + "' must hold sequences:"
                + " array<array<double>> (steps), array<int> (token ids) or a Vector with sequenceShape; got "
                + type.simpleString());
    }

    /** T,F for steps (F from the first row) and Vectors (sequenceShape); T for token ids. */
    private static int[] inputShape(RNNParams<?> p, Dataset<?> dataset, SequencePacker.Form form) {
        int steps = p.getMaxSequenceLength();
        return switch (form) {
            case VECTOR -> {
                int[] s = p.getSequenceShape().isBlank() ? new int[0] : Shapes.parse(p.getSequenceShape());
                if (s.length != 2) {
                    throw new IllegalArgumentException("featuresCol '" + p.getFeaturesCol() + "' is a Vector: set"
                            + " sequenceShape to steps,features (e.g. 28,28), got '" + p.getSequenceShape() + "'");
                }
                yield s;
            }
            case TOKENS -> new int[] {steps};
            case STEPS -> new int[] {steps, firstStepWidth(p, dataset)};
        };
    }

    private static int firstStepWidth(RNNParams<?> p, Dataset<?> dataset) {
        List<Row> first = dataset.select(col(p.getFeaturesCol()).getItem(0))
                .where(col(p.getFeaturesCol()).getItem(0).isNotNull())
                .limit(1)
                .collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException("featuresCol '" + p.getFeaturesCol() + "' holds no sequence");
        }
        return first.get(0).getList(0).size();
    }

    private static Sequential build(String spec, int[] shape) {
        try {
            return ModelSpec.parse(spec).build(shape, new CpuKernels(), 0);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "param spec does not fit the sequences of shape " + Shapes.describe(shape) + ": " + e.getMessage(),
                    e);
        }
    }

    private static TrainingConfig config(RNNSequencer est, String spec, int[] shape) {
        return new TrainingConfig(
                spec,
                shape,
                "cross_entropy",
                est.optimizerConfig(),
                est.getGradientClipNorm(),
                est.getBatchSize(),
                est.getInitializer(),
                est.getSeed());
    }
}
