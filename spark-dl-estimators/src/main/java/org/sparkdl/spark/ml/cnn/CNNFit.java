package org.sparkdl.spark.ml.cnn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.task.ClassificationTaskFactory;
import org.sparkdl.core.task.NetworkTask;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.spark.persist.SavedEncoder;
import org.sparkdl.spark.train.DataLayout;
import org.sparkdl.spark.train.ParameterAveraging;
import org.sparkdl.spark.train.TrainingData;
import org.sparkdl.spark.train.TrainingPlan;
import org.sparkdl.spark.train.TrainingResult;

/**
 * {@link CNNClassifier}'s glue over the engine: params → a {@link ClassificationTaskFactory}, a
 * {@link TrainingPlan} and a {@link ClassificationPacker}; the driver's result → a model.
 */
final class CNNFit {
    private static final Logger LOG = LoggerFactory.getLogger(CNNFit.class);

    private CNNFit() {}

    static CNNClassificationModel run(CNNClassifier est, Dataset<?> dataset) {
        SavedEncoder encoder = est.getInitialEncoder().isEmpty()
                ? null
                : SavedEncoder.read(dataset.sparkSession(), est.getInitialEncoder());
        int[] shape = encoder == null ? resolveShape(est, dataset) : encoderShape(est, encoder);
        String spec = encoder == null ? est.getSpec() : encoder.specWith(est.getSpec());
        int numClasses = SchemaChecks.specOutputs(spec, shape);
        ClassificationTaskFactory factory = new ClassificationTaskFactory(
                config(est, spec, shape),
                est.getAverageOptimizerState(),
                encoder == null ? null : encoder.asStart(est.getFreezeEncoder()));
        TrainingPlan plan = est.trainingPlan();
        ParameterAveraging.checkOutputs(dataset.sparkSession(), plan);
        String v = est.validationColumn();
        Column isValidation = v.isEmpty() ? lit(false) : col(v).cast("boolean");
        Dataset<Row> rows =
                dataset.select(col(est.getFeaturesCol()), col(est.getLabelCol()).cast("double"), isValidation);
        DataLayout layout = est.dataLayout(dataset.sparkSession());
        TrainingData data = TrainingData.pack(
                rows,
                new ClassificationPacker(
                        Shapes.size(shape),
                        numClasses,
                        est.getFeaturesCol(),
                        est.getLabelCol(),
                        est.featureStorageValue()),
                layout);
        try {
            if (data.trainRows() == 0) {
                throw new IllegalArgumentException(
                        "the training data is empty: no rows in column '" + est.getFeaturesCol() + "'"
                                + (data.validationRows() > 0 ? " outside the validation set" : ""));
            }
            LOG.info(
                    "spark-dl fit: {} training rows, {} validation rows in {} partitions; spec '{}' on input {}",
                    data.trainRows(),
                    data.validationRows(),
                    data.partitions(),
                    est.getSpec(),
                    Shapes.describe(shape));
            TrainingResult result = ParameterAveraging.train(data, factory, plan);
            CNNClassificationModel model = new CNNClassificationModel(
                    est.uid(), result.state().get(NetworkTask.MODEL).clone());
            model.set(model.inputShape(), Shapes.join(shape));
            model.set(model.spec(), spec);
            model.trainedSpec = spec;
            return model.setSummary(result.summary());
        } finally {
            data.release();
        }
    }

    private static int[] resolveShape(CNNClassifier est, Dataset<?> dataset) {
        StructType schema = dataset.schema();
        int[] shape = SchemaChecks.inputShape(est, schema, est.getFeaturesCol());
        if (shape != null) {
            return shape;
        }
        List<Row> first = dataset.select(col(est.getFeaturesCol())).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(
                    "the training data is empty: no rows in column '" + est.getFeaturesCol() + "'");
        }
        org.apache.spark.ml.linalg.Vector v =
                (org.apache.spark.ml.linalg.Vector) first.get(0).get(0);
        if (v == null) {
            throw new IllegalArgumentException("column '" + est.getFeaturesCol() + "' is null in row 0");
        }
        return new int[] {v.size()};
    }

    /** The pretrained encoder's input shape, which inputShape, when set, must equal. */
    private static int[] encoderShape(CNNClassifier est, SavedEncoder encoder) {
        int[] shape = Shapes.parse(encoder.inputShape());
        if (!est.getInputShape().isBlank() && !java.util.Arrays.equals(Shapes.parse(est.getInputShape()), shape)) {
            throw new IllegalArgumentException(
                    "inputShape " + est.getInputShape() + " differs from the initialEncoder's " + encoder.inputShape()
                            + " (" + est.getInitialEncoder() + ")");
        }
        return shape;
    }

    private static TrainingConfig config(CNNClassifier est, String spec, int[] shape) {
        return new TrainingConfig(
                spec,
                shape,
                est.getLoss(),
                est.optimizerConfig(),
                est.getGradientClipNorm(),
                est.getBatchSize(),
                est.getInitializer(),
                est.getSeed());
    }
}
