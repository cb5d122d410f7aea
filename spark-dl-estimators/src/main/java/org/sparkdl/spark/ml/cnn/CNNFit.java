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
        int[] shape = resolveShape(est, dataset);
        int numClasses = SchemaChecks.specOutputs(est.getSpec(), shape);
        ClassificationTaskFactory factory =
                new ClassificationTaskFactory(config(est, shape), est.getAverageOptimizerState());
        TrainingPlan plan = est.trainingPlan();
        ParameterAveraging.checkOutputs(dataset.sparkSession(), plan);
        String v = est.validationColumn();
        Column isValidation = v.isEmpty() ? lit(false) : col(v).cast("boolean");
        Dataset<Row> rows =
                dataset.select(col(est.getFeaturesCol()), col(est.getLabelCol()).cast("double"), isValidation);
        int partitions = est.getNumPartitions() > 0
                ? est.getNumPartitions()
                : dataset.sparkSession().sparkContext().defaultParallelism();
        TrainingData data = TrainingData.pack(
                rows,
                new ClassificationPacker(Shapes.size(shape), numClasses, est.getFeaturesCol(), est.getLabelCol()),
                partitions);
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

    private static TrainingConfig config(CNNClassifier est, int[] shape) {
        return new TrainingConfig(
                est.getSpec(),
                shape,
                est.getLoss(),
                est.optimizerConfig(),
                est.getGradientClipNorm(),
                est.getBatchSize(),
                est.getInitializer(),
                est.getSeed());
    }
}
