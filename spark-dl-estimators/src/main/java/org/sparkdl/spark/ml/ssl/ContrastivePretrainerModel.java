package org.sparkdl.spark.ml.ssl;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.Model;
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
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.kernels.Backends;
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
 * A pretrained image encoder: {@link #transform} adds {@code embeddingCol}, the encoder's output
 * (without the pretraining head) for each image in {@code featuresCol}, computed in batches. The
 * encoder is frozen here: as a stage of a {@code Pipeline} (a linear probe: this model, then
 * {@code LogisticRegression} on the embeddings) it is applied, never trained. It saves, loads and
 * works in a {@code PipelineModel} and on streaming DataFrames (a Dataset-level map, no action).
 * {@code CNNClassifier.setInitialEncoder(path)} starts a classifier from a saved one.
 */
public final class ContrastivePretrainerModel extends Model<ContrastivePretrainerModel>
        implements PretrainerParams<ContrastivePretrainerModel>,
                HasInferenceBackend<ContrastivePretrainerModel>,
                MLWritable,
                ExportsOnnx {
    private static final long serialVersionUID = 1L;
    /** Images per forward pass in {@link #transform}. */
    static final int INFERENCE_BATCH = 256;

    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final PretrainerParamSet own = new PretrainerParamSet(this);
    private float[] weights;
    /** Instead of {@link #weights}, in the copy that scoring closures carry ({@link #forScoring}). */
    private SharedWeights sharedWeights;

    private transient TrainingSummary summary;
    private transient ThreadLocal<Sequential> replica;

    /** An empty model, for Spark Connect's service discovery; it embeds nothing until loaded. */
    public ContrastivePretrainerModel() {
        this(Identifiable.randomUID("contrastivePretrainerModel"), new float[0]);
    }

    /** @param weights the encoder's state (parameters, then buffers) for the spec and inputShape params */
    public ContrastivePretrainerModel(String uid, float[] weights) {
        this(Uids.stash(uid), weights);
    }

    private ContrastivePretrainerModel(Uids.Pending pending, float[] weights) {
        super();
        uid();
        this.weights = weights;
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("contrastivePretrainerModel");
        }
        return uid;
    }

    @Override
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public PretrainerParamSet pretrainerParams() {
        return own;
    }

    /** The encoder's state (a copy). */
    public float[] weights() {
        return weights.clone();
    }

    /**
     * The same encoder with the initial weights its fit started from (this model's spec, seed and
     * initializer): the "random encoder" baseline of a linear probe, rebuilt from a saved model.
     */
    public ContrastivePretrainerModel untrained() {
        // copyValues matches params by name: the pretraining configuration travels, the inference params stay
        return copyValues(new ContrastivePretrainer(), ParamMap.empty()).untrainedModel();
    }

    /** The encoder with this model's weights, on the inference backend. */
    public Sequential buildEncoder() {
        Sequential net = ModelSpec.parse(getSpec())
                .build(
                        Shapes.parse(getInputShape()),
                        Backends.choose(getInferenceBackend(), 1).create(),
                        0);
        float[] state = state();
        if (state.length != net.stateSize()) {
            throw new IllegalArgumentException("the encoder state has " + state.length + " values but spec '"
                    + getSpec() + "' on " + getInputShape() + " needs " + net.stateSize());
        }
        net.loadState(state);
        return net;
    }

    /** The weights, or a scoring copy's broadcast of them. */
    private float[] state() {
        return weights != null ? weights : sharedWeights.get();
    }

    /**
     * A copy with the same params whose weights travel as a broadcast: what transform's and the SQL
     * function's closures carry to the executors, so that a task holds no weights.
     */
    private ContrastivePretrainerModel forScoring(SparkSession spark) {
        ContrastivePretrainerModel m = copyValues(new ContrastivePretrainerModel(uid(), null), ParamMap.empty());
        m.sharedWeights = SharedWeights.broadcast(spark, weights);
        return m;
    }

    /** Size of the embedding vectors. */
    public int embeddingSize() {
        return ModelSpec.parse(getSpec())
                .build(Shapes.parse(getInputShape()), Backends.choose("cpu", 1).create(), 0)
                .outputShape()[0];
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return PretrainerSchemas.withEmbedding(this, schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        ModelState.require(weights, this);
        StructType out = transformSchema(dataset.schema());
        Dataset<Row> df = dataset.toDF();
        int column = df.schema().fieldIndex(getFeaturesCol());
        ContrastivePretrainerModel self = forScoring(df.sparkSession());
        MapPartitionsFunction<Row, Row> embed = it -> self.embedPartition(it, column);
        return df.mapPartitions(embed, Encoders.row(out));
    }

    /**
     * Registers the encoder as the Spark SQL function {@code name(features)}, giving the embedding
     * vector row by row ({@link #transform} batches and is faster on large tables).
     */
    public ContrastivePretrainerModel registerUdf(SparkSession spark, String name) {
        ModelState.require(weights, this);
        ContrastivePretrainerModel frozen = forScoring(spark); // later param changes do not reach the SQL
        SqlFunctions.register(spark, name, SQLDataTypes.VectorType(), frozen::embed);
        return this;
    }

    /** One row's embedding, on an encoder kept per thread. */
    private Vector embed(Vector features) {
        if (replica == null) {
            replica = ThreadLocal.withInitial(this::buildEncoder);
        }
        int[] shape = Shapes.parse(getInputShape());
        float[] x = Features.toFloats(features, Shapes.size(shape), getFeaturesCol(), "the row scored");
        Tensor h = replica.get().forward(Tensor.of(x, Shapes.withBatch(1, shape)), false);
        double[] e = new double[h.size()];
        for (int j = 0; j < e.length; j++) {
            e[j] = h.data()[j];
        }
        return Vectors.dense(e);
    }

    private Iterator<Row> embedPartition(Iterator<Row> it, int column) {
        Sequential net = buildEncoder();
        int[] shape = Shapes.parse(getInputShape());
        return new VectorBatches(it, column, Shapes.size(shape), getFeaturesCol(), INFERENCE_BATCH, (x, n) -> {
            Tensor h = net.forward(Tensor.of(x, Shapes.withBatch(n, shape)), false);
            int d = h.sampleSize();
            Object[][] out = new Object[n][];
            for (int i = 0; i < n; i++) {
                double[] e = new double[d];
                for (int j = 0; j < d; j++) {
                    e[j] = h.data()[i * d + j];
                }
                out[i] = new Object[] {Vectors.dense(e)};
            }
            return out;
        });
    }

    /**
     * The encoder as ONNX: input {@code features} [batch, C·H·W], output {@code embedding} [batch,
     * D], what {@link #transform} puts in {@code embeddingCol}.
     */
    @Override
    public OnnxExport onnxExport() {
        ModelState.require(weights, this);
        return OnnxExport.of(buildEncoder()).output("embedding").description(toString());
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

    ContrastivePretrainerModel setSummary(TrainingSummary s) {
        this.summary = s;
        return this;
    }

    @Override
    public ContrastivePretrainerModel copy(ParamMap extra) {
        ContrastivePretrainerModel m = copyValues(new ContrastivePretrainerModel(uid(), weights), extra);
        m.summary = summary;
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        ModelState.require(weights, this);
        return new StatePersistence.Writer(
                this, () -> TensorTable.fromState(buildEncoder().stateLayout(), weights));
    }

    public static MLReader<ContrastivePretrainerModel> read() {
        return new Reader();
    }

    public static ContrastivePretrainerModel load(String path) {
        return read().load(path);
    }

    /** Reads the metadata, rebuilds the encoder from its spec and shape, then loads and checks the weights. */
    private static final class Reader extends MLReader<ContrastivePretrainerModel> {
        @Override
        public ContrastivePretrainerModel load(String path) {
            StatePersistence.Saved saved = StatePersistence.read(
                    sparkSession(),
                    path,
                    "ContrastivePretrainerModel",
                    List.of(ContrastivePretrainerModel.class.getName()));
            ContrastivePretrainerModel model = new ContrastivePretrainerModel(saved.uid(), new float[0]);
            StatePersistence.setParams(model, saved.metadata());
            Sequential encoder = ModelSpec.parse(model.getSpec())
                    .build(
                            Shapes.parse(model.getInputShape()),
                            Backends.choose("cpu", 1).create(),
                            0);
            model.weights = TensorTable.toState(saved.tensors(), encoder.stateLayout(), saved.dataPath());
            return model;
        }
    }

    @Override
    public String toString() {
        return "ContrastivePretrainerModel: uid=" + uid() + ", method=" + getMethod() + ", spec=" + getSpec()
                + ", inputShape=" + getInputShape();
    }
}
