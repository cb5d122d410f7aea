package org.sparkdl.spark.ml.cnn;

import java.util.List;
import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * A convolutional (or any spec'd) neural-network classifier trained data-parallel on the executors.
 *
 * <pre>{@code
 * CNNClassifier cnn = new CNNClassifier()
 *     .setSpec("conv(32,5,pad=2) relu maxpool(2) flatten dense(10)")
 *     .setInputShape("1,28,28")
 *     .setMaxEpochs(5);
 * CNNClassificationModel model = cnn.fit(train);   // features: Vector, label: class index
 * model.transform(test);                            // rawPrediction, probability, prediction
 * }</pre>
 *
 * <p>Each partition trains a replica on its own data for {@code averagingFrequency} mini-batch
 * steps; then the replicas' parameters and optimizer state are averaged ({@code treeAggregate})
 * and broadcast again. The number of classes is the size of the spec's last layer.
 */
public final class CNNClassifier extends ProbabilisticClassifier<Vector, CNNClassifier, CNNClassificationModel>
        implements CNNParams<CNNClassifier>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "cnnClassifier";

    // No initialiser: Spark's constructors call uid() before this class's fields are set.
    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final CNNParamSet cnn = new CNNParamSet(this);

    public CNNClassifier() {
        this(Uids.stash(Identifiable.randomUID(PREFIX)));
    }

    public CNNClassifier(String uid) {
        this(Uids.stash(uid));
    }

    private CNNClassifier(Uids.Pending pending) {
        super();
        uid();
        // A CNN's steps are short for the state a round moves (CNN-S: 56 ms a step, 10.4 MB with Adam's
        // moments): at 16 steps a round, averaging took 6.6-6.8% of a 5-epoch Fashion-MNIST run on
        // local[2], at 24 4.8-4.9%, at 32 4.1-4.5% (test accuracy 0.9165, 0.9171, 0.9155):
        // bench/overhead.sh, docs/PERFORMANCE.md.
        setDefault(averagingFrequency(), 32);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take(PREFIX);
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

    /** Sets the spec; a spec that does not parse fails here, naming the token. */
    public CNNClassifier setSpec(String value) {
        ModelSpec.parse(value);
        set(spec(), value);
        return this;
    }

    public CNNClassifier setInputShape(String value) {
        if (!value.isBlank()) {
            Shapes.parse(value);
        }
        set(inputShape(), value);
        return this;
    }

    /** MLlib's checks (features a Vector, label numeric), then ours: columns, spec against shape. */
    @Override
    public StructType transformSchema(StructType schema) {
        StructType out = super.transformSchema(schema);
        SchemaChecks.trainingColumns(this, schema);
        return out;
    }

    @Override
    public CNNClassificationModel train(Dataset<?> dataset) {
        return CNNFit.run(this, dataset);
    }

    /**
     * MLlib's fit, then, for a fit from an {@code initialEncoder}: the model's spec is the whole
     * network (the encoder's layers, then this stage's spec), which MLlib's copy of the estimator's
     * params replaced by the top layers only, and the model no longer refers to the encoder's path
     * (its weights hold the encoder).
     */
    @Override
    public CNNClassificationModel fit(Dataset<?> dataset) {
        CNNClassificationModel model = super.fit(dataset);
        if (model.trainedSpec != null) {
            model.set(model.spec(), model.trainedSpec);
            model.set(model.initialEncoder(), "");
        }
        return model;
    }

    @Override
    public CNNClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<CNNClassifier> read() {
        return new StageReader<>(
                CNNClassifier::new, List.of(CNNClassifier.class.getName(), "org.sparkdl.spark.ml.CNNClassifier"));
    }

    public static CNNClassifier load(String path) {
        return read().load(path);
    }
}
