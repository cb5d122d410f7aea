package org.sparkdl.spark.ml.rnn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.task.LanguageModelTask;
import org.sparkdl.core.task.LanguageModelTaskFactory;
import org.sparkdl.core.task.SequenceInputs;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.text.CharVocabulary;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MiniBatches;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.onnx.OnnxExport;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.ml.param.HasInferenceBackend;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.ExportsOnnx;
import org.sparkdl.spark.ml.util.ModelState;
import org.sparkdl.spark.ml.util.SharedWeights;
import org.sparkdl.spark.ml.util.Uids;
import org.sparkdl.spark.persist.StatePersistence;
import org.sparkdl.spark.persist.TensorTable;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * A trained recurrent network. For {@code task=classify}, {@link #transform} adds
 * {@code rawPrediction} (logits), {@code probability} and {@code prediction}; for
 * {@code task=language-model}, it continues the text of {@code promptCol} into
 * {@code generatedCol} (when set), {@link #generate} writes text, and {@link #score} gives the
 * loss per character and the perplexity of a text column. The vocabulary of a language model is
 * saved with it.
 */
public final class RNNSequencerModel extends Model<RNNSequencerModel>
        implements RNNParams<RNNSequencerModel>, HasInferenceBackend<RNNSequencerModel>, MLWritable, ExportsOnnx {
    private static final long serialVersionUID = 1L;
    /** Rows per forward pass in {@link #transform}. */
    static final int INFERENCE_BATCH = 256;

    private static final String VOCABULARY = "vocabulary";

    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final RNNParamSet rnn = new RNNParamSet(this);
    private float[] weights;
    /** Instead of {@link #weights}, in the copy that scoring closures carry ({@link #forScoring}). */
    private SharedWeights sharedWeights;

    private CharVocabulary vocabulary;
    private transient TrainingSummary summary;

    /** An empty model, for Spark Connect's service discovery; it scores nothing until loaded. */
    public RNNSequencerModel() {
        this(Identifiable.randomUID("rnnSequencerModel"), null, null);
    }

    /**
     * @param weights the state of the network {@code spec} builds for {@code sequenceShape}
     * @param vocabulary a language model's characters, or null
     */
    public RNNSequencerModel(String uid, float[] weights, CharVocabulary vocabulary) {
        this(Uids.stash(uid), weights, vocabulary);
    }

    private RNNSequencerModel(Uids.Pending pending, float[] weights, CharVocabulary vocabulary) {
        super();
        uid();
        this.weights = weights;
        this.vocabulary = vocabulary;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("rnnSequencerModel");
        }
        return uid;
    }

    @Override
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public RNNParamSet rnnParams() {
        return rnn;
    }

    /** The model state (a copy). */
    public float[] weights() {
        return weights.clone();
    }

    /** A language model's vocabulary; null for a classifier. */
    public CharVocabulary vocabulary() {
        return vocabulary;
    }

    /** The network for inputs of {@code shape} (the weights do not depend on the number of steps). */
    public Sequential buildNetwork(int[] shape) {
        Sequential net = ModelSpec.parse(getSpec())
                .build(shape, Backends.choose(getInferenceBackend(), 1).create(), 0);
        float[] state = state();
        if (state != null) {
            net.loadState(state);
        }
        return net;
    }

    /** The weights, or a scoring copy's broadcast of them; null for a model made empty. */
    private float[] state() {
        return weights != null ? weights : sharedWeights != null ? sharedWeights.get() : null;
    }

    /**
     * A copy with the same params and vocabulary whose weights travel as a broadcast: what
     * transform's closure carries to the executors, so that a task holds no weights.
     */
    private RNNSequencerModel forScoring(SparkSession spark) {
        RNNSequencerModel m = copyValues(new RNNSequencerModel(uid(), null, vocabulary), ParamMap.empty());
        m.sharedWeights = SharedWeights.broadcast(spark, weights);
        return m;
    }

    int[] inputShape() {
        return Shapes.parse(getSequenceShape());
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isLanguageModel()) {
            RNNSchemas.require(schema, getFeaturesCol(), "featuresCol");
        } else if (!getPromptCol().isEmpty()) {
            RNNSchemas.require(schema, getPromptCol(), "promptCol");
        }
        return RNNSchemas.output(this, schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        ModelState.require(weights, this);
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        if (isLanguageModel() && getPromptCol().isEmpty()) {
            return df;
        }
        RNNSequencerModel self = forScoring(df.sparkSession());
        int column = df.schema().fieldIndex(isLanguageModel() ? getPromptCol() : getFeaturesCol());
        SequencePacker packer = isLanguageModel()
                ? null
                : new SequencePacker(
                        RNNFit.form(this, df.schema().apply(getFeaturesCol()).dataType()),
                        inputShape()[0],
                        inputShape().length > 1 ? inputShape()[1] : 1,
                        vocabOfEmbedding(),
                        0,
                        getFeaturesCol(),
                        getLabelCol(),
                        org.sparkdl.core.train.FloatStorage.FLOAT32); // scoring packs a batch at a time
        // A Dataset-level map, no RDD round trip and no action: works on streaming DataFrames too
        MapPartitionsFunction<Row, Row> score =
                it -> packer == null ? self.continuePrompts(it, column) : self.classifyPartition(it, column, packer);
        return df.mapPartitions(score, org.apache.spark.sql.Encoders.row(out));
    }

    private int vocabOfEmbedding() {
        return buildNetwork(inputShape()).layers().get(0) instanceof org.sparkdl.core.nn.Embedding e
                ? e.weight().value().dim(0)
                : 0;
    }

    private Iterator<Row> classifyPartition(Iterator<Row> it, int column, SequencePacker packer) {
        Sequential net = buildNetwork(inputShape());
        SequenceInputs inputs = new SequenceInputs();
        int partition = org.apache.spark.TaskContext.getPartitionId();
        List<Row> out = new ArrayList<>();
        List<Row> batch = new ArrayList<>(INFERENCE_BATCH);
        long seen = 0;
        while (it.hasNext()) {
            batch.clear();
            ColumnBuilder features = packer.newColumns().get(Columns.FEATURES);
            while (it.hasNext() && batch.size() < INFERENCE_BATCH) {
                Row r = it.next();
                packer.addFeatures(
                        r.get(column), "row " + (seen + batch.size()) + " of partition " + partition, features);
                batch.add(r);
            }
            seen += batch.size();
            DataBlock block = new DataBlock(Map.of(Columns.FEATURES, features.build()));
            Tensor logits = net.forward(inputs.tensor(block, Columns.FEATURES, inputShape()), false);
            int k = logits.sampleSize();
            float[] probs = new float[logits.size()];
            SoftmaxCrossEntropy.softmax(logits.data(), batch.size(), k, probs);
            for (int i = 0; i < batch.size(); i++) {
                out.add(withPredictions(batch.get(i), logits.data(), probs, i * k, k));
            }
        }
        return out.iterator();
    }

    private Row withPredictions(Row r, float[] logits, float[] probs, int offset, int k) {
        List<Object> values = new ArrayList<>(r.size() + 3);
        for (int c = 0; c < r.size(); c++) {
            values.add(r.get(c));
        }
        double[] raw = new double[k];
        double[] p = new double[k];
        int best = 0;
        for (int j = 0; j < k; j++) {
            raw[j] = logits[offset + j];
            p[j] = probs[offset + j];
            best = p[j] > p[best] ? j : best;
        }
        for (String name : new String[] {getRawPredictionCol(), getProbabilityCol(), getPredictionCol()}) {
            if (!name.isEmpty()) {
                values.add(
                        name.equals(getRawPredictionCol())
                                ? Vectors.dense(raw)
                                : name.equals(getProbabilityCol())
                                        ? (Object) Vectors.dense(p)
                                        : (Object) (double) best);
            }
        }
        return RowFactory.create(values.toArray());
    }

    private Iterator<Row> continuePrompts(Iterator<Row> it, int column) {
        List<Row> out = new ArrayList<>();
        long n = 0;
        long base = getSeed() * 31 + org.apache.spark.TaskContext.getPartitionId();
        while (it.hasNext()) {
            Row r = it.next();
            String prompt = r.isNullAt(column) ? "" : r.getString(column);
            List<Object> values = new ArrayList<>(r.size() + 1);
            for (int c = 0; c < r.size(); c++) {
                values.add(r.get(c));
            }
            values.add(generate(prompt, getGenerateLength(), getTemperature(), getTopK(), base * 1_000_003L + n++));
            out.add(RowFactory.create(values.toArray()));
        }
        return out.iterator();
    }

    /**
     * Text continuing {@code prompt}: {@code length} characters, each sampled from the softmax of the
     * logits divided by {@code temperature}, among the {@code topK} most likely (0: all), from
     * {@code seed}. The prompt is read a character at a time with the recurrent state carried.
     */
    public String generate(String prompt, int length, double temperature, int topK, long seed) {
        ModelState.require(state(), this);
        if (!isLanguageModel() || vocabulary == null) {
            throw new IllegalStateException("generate needs a model of task language-model, this one is " + getTask());
        }
        if (!(temperature > 0) || topK < 0 || length < 0) {
            throw new IllegalArgumentException("temperature must be > 0, topK >= 0 and length >= 0, got " + temperature
                    + ", " + topK + ", " + length);
        }
        Sequential net = buildNetwork(new int[] {1});
        net.setCarryState(true);
        net.resetState();
        int[] ids = vocabulary.encode(prompt.isEmpty() ? "\n" : prompt);
        float[] logits = null;
        for (int id : ids) {
            logits = net.forward(Tensor.of(new float[] {id}, 1, 1), false).data();
        }
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int next = sample(logits, temperature, topK, rng);
            text.appendCodePoint(vocabulary.codePoint(next));
            logits = net.forward(Tensor.of(new float[] {next}, 1, 1), false).data();
        }
        return text.toString();
    }

    private static int sample(float[] logits, double temperature, int topK, SplittableRandom rng) {
        int v = logits.length;
        Integer[] order = new Integer[v];
        for (int i = 0; i < v; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Float.compare(logits[b], logits[a]));
        int k = topK == 0 ? v : Math.min(topK, v);
        double max = logits[order[0]];
        double[] w = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++) {
            w[i] = Math.exp((logits[order[i]] - max) / temperature);
            sum += w[i];
        }
        double u = rng.nextDouble() * sum;
        for (int i = 0; i < k; i++) {
            u -= w[i];
            if (u <= 0) {
                return order[i];
            }
        }
        return order[k - 1];
    }

    /**
     * A language model's loss per character and perplexity on the text of {@code featuresCol}, cut
     * into windows of {@code sequenceLength} as in training: {@code loss}, {@code perplexity},
     * {@code characters}.
     */
    public Map<String, Double> score(Dataset<?> dataset) {
        ModelState.require(weights, this);
        if (!isLanguageModel()) {
            throw new IllegalStateException("score needs a model of task language-model, this one is " + getTask());
        }
        RNNSchemas.require(dataset.schema(), getFeaturesCol(), "featuresCol");
        TextPacker packer = new TextPacker(vocabulary, getSequenceLength(), getFeaturesCol());
        TrainingConfig config = new TrainingConfig(
                getSpec(), inputShape(), "cross_entropy", OptimizerConfig.of("sgd", 0.1), 0, 1, getInitializer(), 0);
        float[] state = weights;
        Figures sums = SparkErrors.unwrap(() -> dataset.toDF()
                .select(getFeaturesCol())
                .javaRDD()
                .mapPartitions(it -> {
                    Map<String, ColumnBuilder> cols = packer.newColumns();
                    long row = 0;
                    while (it.hasNext()) {
                        packer.add(it.next(), row++, cols);
                    }
                    Map<String, org.sparkdl.core.train.Column> built = new LinkedHashMap<>();
                    cols.forEach((name, b) -> built.put(name, b.build()));
                    DataBlock windows = packer.finish(new DataBlock(built));
                    Figures f = new Figures();
                    if (windows.size() > 0) {
                        LanguageModelTask task = new LanguageModelTaskFactory(config, true).create(new CpuKernels());
                        float[][] slots = task.layout().newArrays();
                        task.saveState(slots);
                        slots[0] = state;
                        task.loadState(slots);
                        MiniBatches batches = new MiniBatches(windows);
                        for (int b = 0; b < batches.batches(64); b++) {
                            task.evaluate(batches.batch(b, 64), f);
                        }
                    }
                    return List.of(f).iterator();
                })
                .reduce(Figures::merge));
        double loss = sums.ratio(LanguageModelTask.TOKEN_LOSS_SUM, LanguageModelTask.TOKEN_COUNT);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("loss", loss);
        m.put("perplexity", Math.exp(loss));
        m.put("characters", sums.get(LanguageModelTask.TOKEN_COUNT));
        return m;
    }

    /**
     * The network as ONNX, for sequences of {@code sequenceShape}'s T steps: inputs {@code features}
     * (float [batch, T, F], or int64 token ids [batch, T] for a first embedding, padded with 0) and
     * {@code lengths} (int32 [batch]); outputs {@code logits} and {@code probability}, per sequence for
     * a classifier, per step for a language model.
     */
    @Override
    public OnnxExport onnxExport() {
        ModelState.require(weights, this);
        return OnnxExport.of(buildNetwork(inputShape()))
                .withSoftmax("probability")
                .description(toString());
    }

    /** The training summary; only on a model fresh from {@code fit} (not saved). */
    public TrainingSummary summary() {
        if (summary == null) {
            throw new IllegalStateException("no training summary: this model was not trained in this session");
        }
        return summary;
    }

    public boolean hasSummary() {
        return summary != null;
    }

    RNNSequencerModel setSummary(TrainingSummary s) {
        this.summary = s;
        return this;
    }

    @Override
    public RNNSequencerModel copy(ParamMap extra) {
        RNNSequencerModel m = copyValues(new RNNSequencerModel(uid(), weights, vocabulary), extra);
        m.summary = summary;
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        ModelState.require(weights, this);
        return new StatePersistence.Writer(this, () -> {
            List<TensorTable.Entry> t = new ArrayList<>(
                    TensorTable.fromState(buildNetwork(inputShape()).stateLayout(), weights));
            if (vocabulary != null) {
                int[] cps = vocabulary.codePoints();
                float[] f = new float[cps.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = cps[i]; // code points < 2^24 are exact as floats
                }
                t.add(new TensorTable.Entry(VOCABULARY, new int[] {f.length}, f));
            }
            return t;
        });
    }

    public static MLReader<RNNSequencerModel> read() {
        return new Reader();
    }

    public static RNNSequencerModel load(String path) {
        return read().load(path);
    }

    /** Reads metadata, the vocabulary, rebuilds the network from spec and shape, loads and checks the weights. */
    private static final class Reader extends MLReader<RNNSequencerModel> {
        @Override
        public RNNSequencerModel load(String path) {
            StatePersistence.Saved saved = StatePersistence.read(
                    sparkSession(), path, "RNNSequencerModel", List.of(RNNSequencerModel.class.getName()));
            TensorTable.Entry v = saved.tensors().get(VOCABULARY);
            CharVocabulary vocabulary = null;
            if (v != null) {
                int[] cps = new int[v.values().length];
                for (int i = 0; i < cps.length; i++) {
                    cps[i] = (int) v.values()[i];
                }
                vocabulary = CharVocabulary.of(cps);
            }
            RNNSequencerModel model = new RNNSequencerModel(saved.uid(), null, vocabulary);
            StatePersistence.setParams(model, saved.metadata());
            model.weights = TensorTable.toState(
                    saved.tensors(), model.buildNetwork(model.inputShape()).stateLayout(), saved.dataPath());
            return model;
        }
    }

    @Override
    public String toString() {
        return "RNNSequencerModel: uid=" + uid() + ", task=" + getTask() + ", spec=" + getSpec();
    }
}
