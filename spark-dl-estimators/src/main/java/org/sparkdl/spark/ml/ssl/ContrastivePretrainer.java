package org.sparkdl.spark.ml.ssl;

import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.ssl.PretrainingTaskFactory;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * Self-supervised pretraining of an image encoder on unlabelled rows, data-parallel on the
 * executors: SimCLR, DCL, MoCo, DINO or rotation prediction ({@code method}).
 *
 * <pre>{@code
 * ContrastivePretrainerModel encoder = new ContrastivePretrainer()
 *     .setMethod("simclr")
 *     .setInputShape("1,28,28")
 *     .setMaxEpochs(10)
 *     .fit(images);                          // features: Vector; no labels needed
 * encoder.transform(images);                 // adds "embedding"
 * new Pipeline().setStages(new PipelineStage[] {encoder, new LogisticRegression()
 *     .setFeaturesCol("embedding")}).fit(labelled);   // a linear probe; the encoder stays frozen
 * }</pre>
 *
 * <p>Each step augments every image into its views on the executor (seeded per epoch, partition
 * and row), trains the encoder and the method's head, and for MoCo and DINO moves the
 * moving-average network. The model keeps the encoder only. With {@code validationIndicatorCol}
 * and {@code labelCol}, each epoch reports the k-NN accuracy of the validation rows' embeddings
 * (labels never enter the loss); every epoch reports the spread of the embeddings, and a collapsed
 * representation is logged as a warning.
 */
public final class ContrastivePretrainer extends Estimator<ContrastivePretrainerModel>
        implements PretrainerParams<ContrastivePretrainer>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "contrastivePretrainer";

    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final PretrainerParamSet own = new PretrainerParamSet(this);

    public ContrastivePretrainer() {
        this(Uids.stash(Identifiable.randomUID(PREFIX)));
    }

    public ContrastivePretrainer(String uid) {
        this(Uids.stash(uid));
    }

    private ContrastivePretrainer(Uids.Pending pending) {
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
    public PretrainerParamSet pretrainerParams() {
        return own;
    }

    /** Checks the columns and params; adds nothing to the schema (the model adds the embedding). */
    @Override
    public StructType transformSchema(StructType schema) {
        PretrainerSchemas.checkImages(this, schema);
        if (!getLabelCol().isEmpty()) {
            PretrainerSchemas.checkNumeric(schema, getLabelCol(), "labelCol");
        }
        String v = validationColumn();
        if (!v.isEmpty()) {
            PretrainerSchemas.checkBoolean(schema, v);
        }
        return schema;
    }

    @Override
    public ContrastivePretrainerModel fit(Dataset<?> dataset) {
        ContrastivePretrainerModel model = PretrainerFit.run(this, dataset);
        copyValues(model, extractParamMap());
        return model.setParent(this);
    }

    /**
     * The model of this configuration's encoder with its initial weights (from {@code seed}), as a
     * fit starts from: the "random encoder" baseline of a linear probe.
     */
    public ContrastivePretrainerModel untrainedModel() {
        float[] initial = new PretrainingTaskFactory(PretrainerFit.config(this), getAverageOptimizerState())
                .create(new CpuKernels())
                .encoder()
                .state();
        ContrastivePretrainerModel model = new ContrastivePretrainerModel(uid(), initial);
        copyValues(model, extractParamMap());
        return model.setParent(this);
    }

    @Override
    public ContrastivePretrainer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ContrastivePretrainer> read() {
        return new StageReader<>(ContrastivePretrainer::new, List.of(ContrastivePretrainer.class.getName()));
    }

    public static ContrastivePretrainer load(String path) {
        return read().load(path);
    }
}
