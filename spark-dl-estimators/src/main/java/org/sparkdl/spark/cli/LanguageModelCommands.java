package org.sparkdl.spark.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.train.CurvesChart;
import org.sparkdl.datasets.Fortunes;
import org.sparkdl.datasets.FortunesFrames;
import org.sparkdl.spark.ml.rnn.RNNSequencer;
import org.sparkdl.spark.ml.rnn.RNNSequencerModel;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * {@code train-lm}: a character language model ({@link RNNSequencer}, task language-model) on the
 * fortune texts or a Parquet text column, ending with one JSON line (validation loss, perplexity,
 * speed, a generated sample); {@code generate}: text from a saved one.
 */
final class LanguageModelCommands {
    static final String FORTUNES = "fortunes";

    /** The train-lm flags that set RNNSequencer params (their defaults are the params'). */
    static final ParamFlags FLAGS = ParamFlags.withTraining(
            "spec", "spec",
            "sequence-length", "sequenceLength",
            "bptt", "bpttLength",
            "vocabulary", "vocabularySize",
            "clip", "gradientClipNorm",
            "early-stopping", "earlyStoppingPatience");

    /** Share of the fortune records held out for validation (by record, seeded). */
    static final double VALIDATION_FRACTION = 0.05;

    private LanguageModelCommands() {}

    static void trainLm(Options o) throws IOException {
        String output = o.required("output");
        boolean overwrite = o.has("overwrite");
        Preflight.master(o);
        String data = o.required("data");
        if (data.equals(FORTUNES)) {
            Path dir = Path.of(o.get("fortunes-dir", Fortunes.DEBIAN_DIR.toString()));
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw new IllegalArgumentException("--data fortunes: " + dir + " does not exist"
                        + (o.has("fortunes-dir") ? "" : " (apt-get install fortunes)"));
            }
        } else {
            Preflight.data(o, FORTUNES);
        }
        Preflight.output("--output", output, overwrite);
        RNNSequencer lm =
                FLAGS.apply(o, new RNNSequencer().setTask("language-model").setFeaturesCol("text"));
        SparkSession spark = SparkDl.session(o);
        Dataset<Row> text = data.equals(FORTUNES)
                ? FortunesFrames.load(
                        spark, Path.of(o.get("fortunes-dir", Fortunes.DEBIAN_DIR.toString())), VALIDATION_FRACTION, 7)
                : spark.read().parquet(data);
        if (java.util.Arrays.asList(text.columns()).contains("isValidation")) {
            lm.setValidationIndicatorCol("isValidation");
        }
        long t0 = System.nanoTime();
        RNNSequencerModel model = lm.fit(text);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        String modelPath = new org.apache.hadoop.fs.Path(output, "model").toString();
        (overwrite ? model.write().overwrite() : model.write()).save(modelPath);
        TrainingSummary s = model.summary();
        TrainingSummary.Epoch last = s.epochs().get(s.totalEpochs() - 1);
        double tokens = s.epochs().stream().mapToDouble(e -> e.get("tokens")).sum();
        double seconds =
                s.epochs().stream().mapToDouble(TrainingSummary.Epoch::seconds).sum();
        String sample = model.generate("The ", 200, 0.8, 0, lm.getSeed());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("validation_loss", last.get("validationLoss"));
        metrics.put("perplexity", last.get("perplexity"));
        metrics.put("training_loss", last.trainingLoss());
        metrics.put("train_seconds", trainSeconds);
        metrics.put("tokens_per_second", tokens / seconds);
        metrics.put("epochs", s.totalEpochs());
        metrics.put("vocabulary", model.vocabulary().size());
        metrics.put("model", modelPath);
        metrics.put("curves", writeCurves(spark, output, s, overwrite));
        metrics.put("sample", "The " + sample);
        System.out.println("model saved to " + modelPath + "; a sample:\nThe " + sample);
        System.out.println(SparkDl.json(metrics));
        spark.stop();
    }

    static void generate(Options o) throws IOException {
        Preflight.master(o);
        int length = o.intValue("length", 200);
        double temperature = o.doubleValue("temperature", 0.8);
        int topK = o.intValue("top-k", 0);
        if (length < 1 || !(temperature > 0) || topK < 0) {
            throw new IllegalArgumentException("--length must be >= 1, --temperature > 0 and --top-k >= 0");
        }
        SparkSession spark = SparkDl.session(o);
        RNNSequencerModel model = RNNSequencerModel.load(o.required("model"));
        String prompt = o.get("prompt", "");
        System.out.println(prompt + model.generate(prompt, length, temperature, topK, o.intValue("seed", 42)));
        spark.stop();
    }

    private static String writeCurves(SparkSession spark, String output, TrainingSummary s, boolean overwrite)
            throws IOException {
        CurvesChart chart = new CurvesChart("spark-dl character language model")
                .loss("training loss per character", s.series(TrainingSummary.TRAINING_LOSS));
        if (s.metricNames().contains("validationLoss")) {
            chart.loss("validation loss per character", s.series("validationLoss"));
        }
        return SparkDl.writeResults(spark, output, chart, s, overwrite);
    }
}
