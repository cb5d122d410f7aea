package org.sparkdl.spark.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.ssl.PretrainingTaskFactory;
import org.sparkdl.core.train.CurvesChart;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainer;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * {@code pretrain}: self-supervised pretraining ({@link ContrastivePretrainer}) on the images of
 * Fashion-MNIST or a Parquet {@code features} column, without their labels; then the linear probe
 * (MLlib's {@code LogisticRegression} on the frozen embeddings, trained on the training labels,
 * measured on the test set). With {@code --baselines}, the same probe on raw pixels and on the
 * untrained encoder. Ends with one JSON line (probe accuracy, k-NN accuracy, speed).
 */
final class PretrainCommands {
    /** The pretrain flags that set ContrastivePretrainer params (their defaults are the params'). */
    static final ParamFlags FLAGS = ParamFlags.withTraining(
            "method", "method",
            "spec", "spec",
            "input-shape", "inputShape",
            "temperature", "temperature",
            "projection", "projectionSize",
            "head-hidden", "headHiddenSize",
            "prototypes", "prototypes",
            "queue", "queueSize",
            "momentum", "momentum",
            "momentum-schedule", "momentumSchedule",
            "student-temperature", "studentTemperature",
            "teacher-temperature", "teacherTemperature",
            "initial-teacher-temperature", "initialTeacherTemperature",
            "teacher-temperature-warmup", "teacherTemperatureWarmupEpochs",
            "center-momentum", "centerMomentum",
            "local-crops", "localCrops",
            "crop-scale-min", "cropScaleMin",
            "crop-scale-max", "cropScaleMax",
            "local-crop-scale-min", "localCropScaleMin",
            "local-crop-scale-max", "localCropScaleMax",
            "early-stopping", "earlyStoppingPatience");

    /** Labelled test rows that ride along as validation rows for the per-epoch k-NN accuracy. */
    static final int KNN_ROWS = 2000;

    private PretrainCommands() {}

    static void pretrain(Options o) throws IOException {
        String output = o.required("output");
        boolean overwrite = o.has("overwrite");
        // Every param flag is parsed and validated before Spark starts; a spec error names its token.
        if (o.has("spec")) {
            ModelSpec.parse(o.get("spec", null));
        }
        ContrastivePretrainer pretrainer = FLAGS.apply(o, new ContrastivePretrainer());
        SparkDl.checkInputs(o);
        Preflight.output("--output", output, overwrite);
        int probeIterations = probeIterations(o);
        SparkSession spark = SparkDl.session(o);
        Dataset<Row>[] d = SparkDl.data(spark, o);
        Dataset<Row> train = d[0];
        Dataset<Row> test = d[1];
        // Labels never reach the loss: the training rows lose theirs; labelled test rows only score k-NN.
        Dataset<Row> unlabelled = train.select(
                col("features"),
                lit(null).cast("double").as("label"),
                lit(false).as("isValidation"));
        if (test != null) {
            unlabelled = unlabelled.union(test.limit(KNN_ROWS)
                    .select(
                            col("features"),
                            col("label").cast("double"),
                            lit(true).as("isValidation")));
            pretrainer.setLabelCol("label").setValidationIndicatorCol("isValidation");
        }
        long t0 = System.nanoTime();
        ContrastivePretrainerModel model = pretrainer.fit(unlabelled);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        String modelPath = new org.apache.hadoop.fs.Path(output, "model").toString();
        (overwrite ? model.write().overwrite() : model.write()).save(modelPath);
        TrainingSummary s = model.summary();
        TrainingSummary.Epoch last = s.epochs().get(s.totalEpochs() - 1);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("method", pretrainer.getMethod());
        if (test != null) {
            probes(model, train, test, probeIterations, o.has("baselines"), metrics);
            metrics.put("knn_accuracy", last.get(PretrainingTaskFactory.KNN_ACCURACY));
            if (s.metricNames().contains(PretrainingTaskFactory.STUDENT_KNN_ACCURACY)) {
                metrics.put("student_knn_accuracy", last.get(PretrainingTaskFactory.STUDENT_KNN_ACCURACY));
            }
        }
        double images = s.epochs().stream()
                .mapToDouble(e -> e.get(TrainingSummary.SAMPLES_PER_SECOND) * e.seconds())
                .sum();
        double seconds =
                s.epochs().stream().mapToDouble(TrainingSummary.Epoch::seconds).sum();
        metrics.put("train_seconds", trainSeconds);
        metrics.put("images_per_second", images / seconds);
        metrics.put("epochs", s.totalEpochs());
        metrics.put("final_training_loss", last.trainingLoss());
        double std = last.get(PretrainingTaskFactory.EMBEDDING_STD);
        metrics.put("embedding_std", std);
        boolean collapsed = PretrainingTaskFactory.collapsed(std, model.embeddingSize());
        if (s.metricNames().contains(PretrainingTaskFactory.TEACHER_ENTROPY)) {
            double entropy = last.get(PretrainingTaskFactory.TEACHER_ENTROPY);
            metrics.put("teacher_entropy", entropy);
            collapsed |= PretrainingTaskFactory.uniformTeacher(entropy, pretrainer.getPrototypes());
        }
        metrics.put("collapsed", String.valueOf(collapsed));
        metrics.put("model", modelPath);
        CurvesChart chart = new CurvesChart("spark-dl pretraining: " + pretrainer.getMethod())
                .loss("training loss", s.series(TrainingSummary.TRAINING_LOSS));
        if (s.metricNames().contains(PretrainingTaskFactory.KNN_ACCURACY)) {
            chart.accuracy("k-NN accuracy (test rows)", s.series(PretrainingTaskFactory.KNN_ACCURACY));
        }
        metrics.put("curves", SparkDl.writeResults(spark, output, chart, s, overwrite));
        System.out.println("model saved to " + modelPath);
        System.out.println(SparkDl.json(metrics));
        spark.stop();
    }

    /**
     * {@code evaluate} of a saved pretrained encoder: the linear probe of its embeddings (trained on
     * the labels of the training rows, measured on the test rows) and, with {@code --baselines}, the
     * raw-pixel and untrained-encoder probes. Ends with one JSON line.
     */
    static void evaluate(Options o, SparkSession spark, String path) throws IOException {
        int probeIterations = probeIterations(o);
        ContrastivePretrainerModel model = ContrastivePretrainerModel.load(path);
        Dataset<Row>[] d = SparkDl.data(spark, o);
        if (d[1] == null) {
            throw new IllegalArgumentException("--model " + path + " is a pretrained encoder: evaluate trains a"
                    + " linear probe on the labels of --data and measures it on --test <parquet>; give --test");
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        probes(model, d[0], d[1], probeIterations, o.has("baselines"), metrics);
        metrics.put("train_rows", d[0].count());
        metrics.put("rows", d[1].count());
        System.out.println(SparkDl.json(metrics));
        spark.stop();
    }

    /** {@code --probe-iterations}: L-BFGS iterations of the linear probe, 100 unless given. */
    static int probeIterations(Options o) {
        return o.intAtLeast("probe-iterations", 100, 1);
    }

    /**
     * The linear probe of the model's embeddings into {@code probe_accuracy}; with {@code baselines}
     * the same probe on raw pixels and on the same encoder at its initial weights.
     */
    private static void probes(
            ContrastivePretrainerModel model,
            Dataset<Row> train,
            Dataset<Row> test,
            int iterations,
            boolean baselines,
            Map<String, Object> metrics) {
        metrics.put("probe_accuracy", probe(model.transform(train), model.transform(test), "embedding", iterations));
        if (baselines) {
            metrics.put("raw_pixel_probe", probe(train, test, "features", iterations));
            ContrastivePretrainerModel untrained = model.untrained();
            metrics.put(
                    "random_encoder_probe",
                    probe(untrained.transform(train), untrained.transform(test), "embedding", iterations));
        }
    }

    /** Test accuracy of MLlib's logistic regression trained on {@code column} of the training rows. */
    static double probe(Dataset<Row> train, Dataset<Row> test, String column, int iterations) {
        var lr = new LogisticRegression()
                .setFeaturesCol(column)
                .setLabelCol("label")
                .setMaxIter(iterations)
                .fit(train.select(col(column), col("label")).cache());
        return new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(lr.transform(test.select(col(column), col("label"))));
    }
}
