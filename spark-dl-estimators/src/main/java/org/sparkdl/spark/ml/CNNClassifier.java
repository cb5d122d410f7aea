package org.sparkdl.spark.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;

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
        implements CNNParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "cnnClassifier";

    // No initialiser: Spark's constructors call uid() before this class's fields are set.
    private String uid;
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
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take(PREFIX);
        }
        return uid;
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

    public CNNClassifier setOptimizer(String value) {
        set(optimizer(), value);
        return this;
    }

    public CNNClassifier setLearningRate(double value) {
        set(learningRate(), value);
        return this;
    }

    public CNNClassifier setMomentum(double value) {
        set(momentum(), value);
        return this;
    }

    public CNNClassifier setBeta1(double value) {
        set(beta1(), value);
        return this;
    }

    public CNNClassifier setBeta2(double value) {
        set(beta2(), value);
        return this;
    }

    public CNNClassifier setWeightDecay(double value) {
        set(weightDecay(), value);
        return this;
    }

    public CNNClassifier setL1(double value) {
        set(l1(), value);
        return this;
    }

    public CNNClassifier setL2(double value) {
        set(l2(), value);
        return this;
    }

    public CNNClassifier setGradientClipNorm(double value) {
        set(gradientClipNorm(), value);
        return this;
    }

    public CNNClassifier setSchedule(String value) {
        set(schedule(), value);
        return this;
    }

    public CNNClassifier setScheduleMilestones(int[] value) {
        set(scheduleMilestones(), value);
        return this;
    }

    public CNNClassifier setScheduleGamma(double value) {
        set(scheduleGamma(), value);
        return this;
    }

    public CNNClassifier setMinLearningRate(double value) {
        set(minLearningRate(), value);
        return this;
    }

    public CNNClassifier setWarmupEpochs(int value) {
        set(warmupEpochs(), value);
        return this;
    }

    public CNNClassifier setWarmupStartFactor(double value) {
        set(warmupStartFactor(), value);
        return this;
    }

    public CNNClassifier setLoss(String value) {
        set(loss(), value);
        return this;
    }

    public CNNClassifier setInitializer(String value) {
        set(initializer(), value);
        return this;
    }

    public CNNClassifier setBatchSize(int value) {
        set(batchSize(), value);
        return this;
    }

    public CNNClassifier setMaxEpochs(int value) {
        set(maxEpochs(), value);
        return this;
    }

    public CNNClassifier setAveragingFrequency(int value) {
        set(averagingFrequency(), value);
        return this;
    }

    public CNNClassifier setAverageOptimizerState(boolean value) {
        set(averageOptimizerState(), value);
        return this;
    }

    public CNNClassifier setNumPartitions(int value) {
        set(numPartitions(), value);
        return this;
    }

    public CNNClassifier setSeed(long value) {
        set(seed(), value);
        return this;
    }

    public CNNClassifier setBackend(String value) {
        set(backend(), value);
        return this;
    }

    public CNNClassifier setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return this;
    }

    public CNNClassifier setCheckpointDir(String value) {
        set(checkpointDir(), value);
        return this;
    }

    public CNNClassifier setCheckpointInterval(int value) {
        set(checkpointInterval(), value);
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

    @Override
    public CNNClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<CNNClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static CNNClassifier load(String path) {
        return read().load(path);
    }
}
