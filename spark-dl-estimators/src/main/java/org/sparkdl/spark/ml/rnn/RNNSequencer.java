package org.sparkdl.spark.ml.rnn;

import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * Recurrent networks (RNN, LSTM, GRU) trained data-parallel on the executors, for two tasks:
 *
 * <ul>
 *   <li>{@code task=classify}: a sequence to a class. The features column is an
 *       {@code array<array<double>>} of steps (variable length up to {@code maxSequenceLength}),
 *       an {@code array<int>} of token ids (for a spec starting with {@code embedding}), or a
 *       Vector read as {@code sequenceShape} (e.g. {@code 28,28}: an image's rows). The model adds
 *       {@code rawPrediction}, {@code probability} and {@code prediction}.
 *   <li>{@code task=language-model}: the next character of a text column. fit learns the
 *       vocabulary (with an unknown token) and trains on windows of {@code sequenceLength}
 *       characters with truncated backpropagation through time every {@code bpttLength} steps.
 *       The model scores text ({@code perplexity}), generates it, and continues a prompt column.
 * </ul>
 *
 * <pre>{@code
 * RNNSequencerModel lm = new RNNSequencer()
 *     .setTask("language-model")
 *     .setFeaturesCol("text")
 *     .setSpec("embedding(64, vocab={vocab}) lstm(256) dense({vocab})")
 *     .fit(texts);
 * lm.generate("The ", 200, 0.8, 0, 42);
 * }</pre>
 */
public final class RNNSequencer extends Estimator<RNNSequencerModel>
        implements RNNParams<RNNSequencer>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "rnnSequencer";

    // No initialiser: Spark's constructors call uid() before this class's fields are set.
    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final RNNParamSet rnn = new RNNParamSet(this);

    public RNNSequencer() {
        this(Uids.stash(Identifiable.randomUID(PREFIX)));
    }

    public RNNSequencer(String uid) {
        this(Uids.stash(uid));
    }

    private RNNSequencer(Uids.Pending pending) {
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
    public ParamGroups paramGroups() {
        return groups;
    }

    @Override
    public RNNParamSet rnnParams() {
        return rnn;
    }

    /** The columns fit reads exist; the output columns the model adds do not. */
    @Override
    public StructType transformSchema(StructType schema) {
        RNNSchemas.checkTraining(this, schema);
        return RNNSchemas.output(this, schema);
    }

    @Override
    public RNNSequencerModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        RNNFit.Fitted fitted = RNNFit.run(this, dataset);
        RNNSequencerModel model = new RNNSequencerModel(uid(), fitted.weights(), fitted.vocabulary());
        copyValues(model, ParamMap.empty());
        model.set(model.spec(), fitted.spec()); // the vocabulary's size in place of {vocab}
        model.set(model.sequenceShape(), fitted.inputShape());
        model.setSummary(fitted.summary());
        return model.setParent(this);
    }

    @Override
    public RNNSequencer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<RNNSequencer> read() {
        return new StageReader<>(RNNSequencer::new, List.of(RNNSequencer.class.getName()));
    }

    public static RNNSequencer load(String path) {
        return read().load(path);
    }
}
