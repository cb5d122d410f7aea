package org.sparkdl.spark.ml.cnn;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.onnx.OnnxExport;
import org.sparkdl.spark.ml.param.HasInferenceBackend;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.ExportsOnnx;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.ModelState;
import org.sparkdl.spark.ml.util.SharedWeights;
import org.sparkdl.spark.ml.util.SqlFunctions;
import org.sparkdl.spark.ml.util.Uids;
import org.sparkdl.spark.ml.util.VectorBatches;
import org.sparkdl.spark.persist.StatePersistence;
import org.sparkdl.spark.persist.TensorTable;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * A trained network as an MLlib probabilistic classification model: {@code rawPrediction} holds the
 * logits, {@code probability} their softmax, {@code prediction} the class (honouring
 * {@code thresholds} as MLlib does). {@link #transform} runs the network in batches per partition.
 */
public final class CNNClassificationModel extends ProbabilisticClassificationModel<Vector, CNNClassificationModel>
        implements CNNParams<CNNClassificationModel>,
                HasInferenceBackend<CNNClassificationModel>,
                MLWritable,
                ExportsOnnx {
    private static final long serialVersionUID = 1L;
    /** Rows per forward pass in {@link #transform}. */
    static final int INFERENCE_BATCH = 256;

    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final CNNParamSet cnn = new CNNParamSet(this);
    private float[] weights;
    /** Instead of {@link #weights}, in the copy that scoring closures carry ({@link #forScoring}). */
    private SharedWeights sharedWeights;

    private transient TrainingSummary summary;
    private transient ThreadLocal<Sequential> replica;
    /** The whole network's spec when the fit started from a pretrained encoder (see {@link CNNClassifier#fit}). */
    transient String trainedSpec;

    /** An empty model, for Spark Connect's service discovery; it scores nothing until loaded. */
    public CNNClassificationModel() {
        this(Identifiable.randomUID("cnnClassificationModel"), null);
    }

    /**
     * @param weights the model state (parameters, then BatchNorm running statistics) of the network
     *     that {@code spec} builds for {@code inputShape}; spec and shape are set as params
     */
    public CNNClassificationModel(String uid, float[] weights) {
        this(Uids.stash(uid), weights);
    }

    private CNNClassificationModel(Uids.Pending pending, float[] weights) {
        super();
        uid();
        this.weights = weights;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("cnnClassificationModel");
        }
        return uid;
    }

    @Override
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public CNNParamSet cnnParams() {
        return cnn;
    }

    /** The model state as one array (a copy). */
    public float[] weights() {
        return weights.clone();
    }

    float[] weightsNoCopy() {
        return weights;
    }

    /** Replaces the weights after checking their count against the spec (used by the reader). */
    public void loadWeights(float[] state) {
        int expected = buildNetwork().stateSize();
        if (state.length != expected) {
            throw new IllegalArgumentException(
                    "weights have " + state.length + " values but spec '" + getSpec() + "' needs " + expected);
        }
        this.weights = state;
        this.replica = null;
    }

    public int[] resolvedInputShape() {
        return Shapes.parse(getInputShape());
    }

    /** A fresh network for this model's spec and shape, with this model's weights. */
    public Sequential buildNetwork() {
        Sequential net = ModelSpec.parse(getSpec())
                .build(
                        resolvedInputShape(),
                        Backends.choose(getInferenceBackend(), 1).create(),
                        0);
        float[] state = state();
        if (state != null && state.length == net.stateSize()) {
            net.loadState(state);
        }
        return net;
    }

    /** The weights, or a scoring copy's broadcast of them; null for a model made empty. */
    private float[] state() {
        return weights != null ? weights : sharedWeights != null ? sharedWeights.get() : null;
    }

    /**
     * A copy with the same params whose weights travel as a broadcast: what transform's and the
     * SQL functions' closures carry to the executors, so that a task holds no weights.
     */
    CNNClassificationModel forScoring(SparkSession spark) {
        CNNClassificationModel m = copyValues(new CNNClassificationModel(uid(), null), ParamMap.empty());
        m.sharedWeights = SharedWeights.broadcast(spark, weights);
        return m;
    }

    private Sequential network() {
        if (replica == null) {
            replica = ThreadLocal.withInitial(this::buildNetwork);
        }
        return replica.get();
    }

    @Override
    public int numClasses() {
        return SchemaChecks.outputSize(getSpec(), resolvedInputShape());
    }

    @Override
    public int numFeatures() {
        return Shapes.size(resolvedInputShape());
    }

    @Override
    public CNNClassificationModel setInferenceBackend(String value) {
        set(inferenceBackend(), value);
        replica = null;
        return this;
    }

    /** The logits of one row (for single-row use; {@link #transform} batches). */
    @Override
    public Vector predictRaw(Vector features) {
        ModelState.require(state(), this);
        float[] x = Features.toFloats(features, numFeatures(), getFeaturesCol(), "the row scored");
        Tensor logits = network().forward(Tensor.of(x, 1, x.length), false);
        return toVector(logits.data(), 0, logits.size());
    }

    @Override
    public Vector raw2probabilityInPlace(Vector raw) {
        if (!(raw instanceof DenseVector dv)) {
            throw new IllegalArgumentException("rawPrediction must be a dense vector, got " + raw.getClass());
        }
        double[] v = dv.values();
        double max = Double.NEGATIVE_INFINITY;
        for (double d : v) {
            max = Math.max(max, d);
        }
        double sum = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.exp(v[i] - max);
            sum += v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= sum;
        }
        return dv;
    }

    /**
     * Adds the prediction columns, running the network over batches of {@value #INFERENCE_BATCH}
     * rows per partition instead of row by row. Empty column names are skipped, as in MLlib.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        ModelState.require(weights, this);
        StructType outSchema = transformSchema(dataset.schema(), true);
        if (isDefined(thresholds())) {
            double[] t = getThresholds();
            if (t.length != numClasses()) {
                throw new IllegalArgumentException(
                        "thresholds has " + t.length + " values but the model has " + numClasses() + " classes");
            }
        }
        Dataset<Row> df = dataset.toDF();
        int featuresIndex = df.schema().fieldIndex(getFeaturesCol());
        // The added columns, in the order transformSchema put them: 0 raw, 1 probability, 2 prediction.
        String[] names = outSchema.fieldNames();
        int inputColumns = df.schema().size();
        int[] added = new int[names.length - inputColumns];
        for (int i = 0; i < added.length; i++) {
            String n = names[inputColumns + i];
            added[i] = n.equals(getRawPredictionCol()) ? 0 : n.equals(getProbabilityCol()) ? 1 : 2;
        }
        boolean prob = !getProbabilityCol().isEmpty();
        CNNClassificationModel scorer = forScoring(df.sparkSession());
        // A Dataset-level map, no RDD round trip and no action: works on streaming DataFrames too
        MapPartitionsFunction<Row, Row> predict = it -> scorer.predictPartition(it, featuresIndex, added, prob);
        return df.mapPartitions(predict, Encoders.row(outSchema));
    }

    private Iterator<Row> predictPartition(Iterator<Row> it, int featuresIndex, int[] added, boolean prob) {
        Sequential net = buildNetwork();
        int[] shape = resolvedInputShape();
        return new VectorBatches(it, featuresIndex, numFeatures(), getFeaturesCol(), INFERENCE_BATCH, (x, n) -> {
            Tensor logits = net.forward(Tensor.of(x, Shapes.withBatch(n, shape)), false);
            int k = logits.sampleSize();
            float[] probs = new float[logits.size()];
            SoftmaxCrossEntropy.softmax(logits.data(), n, k, probs);
            Object[][] out = new Object[n][added.length];
            for (int i = 0; i < n; i++) {
                Vector rawV = toVector(logits.data(), i * k, k);
                Vector probV = toVector(probs, i * k, k);
                for (int a = 0; a < added.length; a++) {
                    out[i][a] = switch (added[a]) {
                        case 0 -> rawV;
                        case 1 -> probV;
                        default -> prob ? probability2prediction(probV) : raw2prediction(rawV);
                    };
                }
            }
            return out;
        });
    }

    private static Vector toVector(float[] values, int offset, int length) {
        double[] d = new double[length];
        for (int j = 0; j < length; j++) {
            d[j] = values[offset + j];
        }
        return Vectors.dense(d);
    }

    /**
     * Registers this model as two Spark SQL functions of a features vector: {@code name(features)}
     * gives the prediction (honouring thresholds, as {@code transform} does) and {@code
     * name_probability(features)} the probability vector. They score row by row; {@link #transform}
     * batches and is faster on large tables.
     */
    public CNNClassificationModel registerUdf(SparkSession spark, String name) {
        ModelState.require(weights, this);
        CNNClassificationModel frozen = forScoring(spark); // later param changes do not reach the SQL
        SqlFunctions.register(spark, name, DataTypes.DoubleType, frozen::predict);
        SqlFunctions.register(spark, name + "_probability", SQLDataTypes.VectorType(), frozen::predictProbability);
        return this;
    }

    /**
     * The network as ONNX: input {@code features} [batch, C·H·W] (a row as {@link #transform} reads
     * it), outputs {@code logits} (this model's {@code rawPrediction}) and {@code probability}.
     */
    @Override
    public OnnxExport onnxExport() {
        ModelState.require(weights, this);
        return OnnxExport.of(buildNetwork()).withSoftmax("probability").description(toString());
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

    public CNNClassificationModel setSummary(TrainingSummary s) {
        this.summary = s;
        return this;
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public CNNClassificationModel copy(ParamMap extra) {
        CNNClassificationModel m = copyValues(new CNNClassificationModel(uid(), weights), extra);
        m.summary = summary;
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        ModelState.require(weights, this);
        return new StatePersistence.Writer(
                this, () -> TensorTable.fromState(buildNetwork().stateLayout(), weights));
    }

    public static MLReader<CNNClassificationModel> read() {
        return new Reader();
    }

    /** Reads the metadata, rebuilds the network from its spec and shape, then loads and checks the weights. */
    private static final class Reader extends MLReader<CNNClassificationModel> {
        @Override
        public CNNClassificationModel load(String path) {
            StatePersistence.Saved saved = StatePersistence.read(
                    sparkSession(),
                    path,
                    "CNNClassificationModel",
                    List.of(CNNClassificationModel.class.getName(), "org.sparkdl.spark.ml.CNNClassificationModel"));
            CNNClassificationModel model = new CNNClassificationModel(saved.uid(), null);
            StatePersistence.setParams(model, saved.metadata());
            model.loadWeights(
                    TensorTable.toState(saved.tensors(), model.buildNetwork().stateLayout(), saved.dataPath()));
            return model;
        }
    }

    public static CNNClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "CNNClassificationModel: uid=" + uid() + ", spec=" + getSpec() + ", inputShape=" + getInputShape()
                + ", numClasses=" + numClasses();
    }
}
