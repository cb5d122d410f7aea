package org.sparkdl.spark.cli;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.task.ClassificationTaskFactory;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.train.CurvesChart;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.FashionMnistFrames;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.cnn.CNNClassifier;
import org.sparkdl.spark.ml.cnn.SchemaChecks;
import org.sparkdl.spark.ml.preprocess.ImageTensorizer;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel;
import org.sparkdl.spark.persist.StatePersistence;
import org.sparkdl.spark.train.TrainingSummary;

/**
 * The command-line entry point, for {@code spark-submit --class org.sparkdl.spark.cli.SparkDl
 * spark-dl-assembly.jar <command> ...} and {@code bin/spark-dl}:
 *
 * <ul>
 *   <li>{@code train --data fashion-mnist|<parquet> --epochs 5 --output <dir>}: fits a
 *       {@link CNNClassifier} (CNN-S and Adam by default), prints a line per epoch, saves the model
 *       under {@code <dir>/model}, the curves as {@code <dir>/training-curves.png}, and ends with
 *       one JSON line of metrics on standard output;
 *   <li>{@code evaluate --model <dir> --data ...}: accuracy of a saved model;
 *   <li>{@code predict --model <dir> --data ... --output <parquet>}: writes predictions;
 *   <li>{@code export --model <dir> --onnx <file>}: a saved model as an ONNX file.
 * </ul>
 *
 * Without a master (neither {@code --master} nor spark-submit's), it runs on {@code local[2]}.
 */
public final class SparkDl {
    private static final String FASHION = "fashion-mnist";

    /** The train command's flags that set CNNClassifier params (their defaults are the params'). */
    static final ParamFlags TRAIN_FLAGS = ParamFlags.withTraining(
            "spec", "spec",
            "input-shape", "inputShape",
            "early-stopping", "earlyStoppingPatience",
            "initial-encoder", "initialEncoder",
            "freeze-encoder", "freezeEncoder");

    /** Where train, evaluate and predict read their rows: Fashion-MNIST, Parquet or an image folder. */
    private static final Set<String> INPUTS = Options.names(
            "data", "test", "limit", "master", "fashion-mnist-dir", "image-dir", "image-size", "channels");

    private SparkDl() {}

    /** Exit codes: 0 success, 2 a user error (one {@code spark-dl:} line), 1 an internal failure. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println(usage());
            System.exit(2);
        }
        if (args[0].equals("--help") || args[0].equals("help") || List.of(args).contains("--help")) {
            System.out.println(usage());
            return;
        }
        boolean verbose = List.of(args).contains("--verbose");
        configureLogging();
        int code = 0;
        try {
            run(args);
        } catch (Throwable e) { // everything reaches the user as one line, with the trace on --verbose
            Throwable ours = e instanceof IllegalArgumentException ? e : SparkErrors.ours(e);
            code = ours != null ? 2 : 1;
            System.err.println("spark-dl: " + (ours != null ? ours.getMessage() : "internal error: " + e)
                    + (verbose ? "" : " (--verbose shows the trace)"));
            if (verbose) {
                e.printStackTrace();
            }
        }
        System.exit(code);
    }

    static void run(String[] args) throws IOException {
        switch (args[0]) {
            case "train" ->
                train(new Options(
                        "train", args, 1, Options.names(TRAIN_FLAGS.flags(), INPUTS, "output", "train-rows")));
            case "evaluate" ->
                evaluate(new Options(
                        "evaluate", args, 1, Options.names(INPUTS, "model", "probe-iterations", "baselines")));
            case "predict" -> predict(new Options("predict", args, 1, Options.names(INPUTS, "model", "output")));
            case "pretrain" ->
                PretrainCommands.pretrain(new Options(
                        "pretrain",
                        args,
                        1,
                        Options.names(
                                PretrainCommands.FLAGS.flags(),
                                "data",
                                "test",
                                "output",
                                "limit",
                                "master",
                                "fashion-mnist-dir",
                                "probe-iterations",
                                "baselines")));
            case "train-lm" ->
                LanguageModelCommands.trainLm(new Options(
                        "train-lm",
                        args,
                        1,
                        Options.names(
                                LanguageModelCommands.FLAGS.flags(), "data", "output", "master", "fortunes-dir")));
            case "generate" ->
                LanguageModelCommands.generate(new Options(
                        "generate",
                        args,
                        1,
                        Options.names("model", "prompt", "length", "temperature", "top-k", "seed", "master")));
            case "export" ->
                ExportCommand.export(new Options("export", args, 1, Options.names("model", "onnx", "master")));
            default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'\n" + usage());
        }
    }

    static String usage() {
        return String.join(
                "\n",
                "usage: spark-dl <command> [--option value ...]",
                "  train     --data fashion-mnist|<parquet> [--test <parquet>] --output <new dir> [--limit N]",
                "            [--train-rows N: only the first N training rows, the test set whole]",
                "            " + TRAIN_FLAGS.usage(new CNNClassifier()),
                "            [--master local[2]]",
                "  evaluate  --model <dir> --data fashion-mnist|<parquet> [--limit N]",
                "            (a pretrained encoder: its linear probe, trained on the labels of --data, measured",
                "            on its test rows; [--probe-iterations 100] [--baselines: raw pixels, untrained encoder])",
                "            (train, evaluate, predict: --image-dir <dir>/<class>/<image> instead of --data, with",
                "            [--test <image dir>] [--image-size H,W: resize] [--channels rgb|bgr|gray, default rgb])",
                "  pretrain  --data fashion-mnist|<parquet> [--test <parquet>] --output <new dir> [--baselines]",
                "            " + PretrainCommands.FLAGS.usage(new org.sparkdl.spark.ml.ssl.ContrastivePretrainer()),
                "            [--probe-iterations 100] [--limit N]",
                "  train-lm  --data fortunes|<parquet with a 'text' column> --output <new dir>",
                "            " + LanguageModelCommands.FLAGS.usage(new org.sparkdl.spark.ml.rnn.RNNSequencer()),
                "  generate  --model <dir> [--prompt \"...\"] [--length 200] [--temperature 0.8] [--top-k 0] [--seed 42]",
                "  predict   --model <dir> --data fashion-mnist|<parquet> --output <new parquet dir> [--limit N]",
                "  export    --model <dir> --onnx <new file>: a saved model as ONNX (docs/ONNX.md)",
                "Every command takes --verbose (traces on errors); train, predict and export take --overwrite",
                "(replace an existing --output or --onnx). Exit codes: 0 done, 2 a mistake in the command or data,",
                "1 an internal error.",
                "Parquet data needs a 'features' vector column and, for train/evaluate, a numeric 'label'.",
                "The last line of train and evaluate is one JSON object of metrics.");
    }

    /**
     * Progress on standard error, results on standard output: the CLI's own log4j2 configuration,
     * unless the user gave one. Spark's INFO lines would drown the per-epoch progress.
     */
    static void configureLogging() {
        if (System.getProperty("log4j2.configurationFile") != null
                || System.getProperty("log4j.configurationFile") != null) {
            return;
        }
        try {
            Configurator.reconfigure(
                    SparkDl.class.getResource("log4j2-cli.properties").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static SparkSession session(Options o) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder b = SparkSession.builder().appName("spark-dl");
        if (o.has("master")) {
            b.master(o.get("master", null));
        } else if (!conf.contains("spark.master")) {
            b.master("local[2]");
        }
        // Averaging rounds ship the whole model as task results: keep them off the block manager.
        if (!conf.contains("spark.task.maxDirectResultSize")) {
            b.config("spark.task.maxDirectResultSize", "64m");
        }
        SparkSession spark = b.getOrCreate();
        if (ProgressLine.stderrIsTerminal()) { // a log file or a pipe gets the per-epoch lines only
            spark.sparkContext().addSparkListener(new ProgressLine(System.err));
        }
        return spark;
    }

    /** Training (and test) data: Fashion-MNIST by name, or Parquet with features and label. */
    static Dataset<Row>[] data(SparkSession spark, Options o) throws IOException {
        int limit = o.intValue("limit", 0);
        @SuppressWarnings("unchecked")
        Dataset<Row>[] out = new Dataset[2];
        if (o.has("image-dir")) {
            out[0] = limit(images(spark, o, "image-dir"), limit);
            out[1] = o.has("test") ? limit(images(spark, o, "test"), limit) : null;
            return out;
        }
        String data = o.required("data");
        if (data.equals(FASHION)) {
            Path dir = Path.of(o.get("fashion-mnist-dir", FashionMnist.DEBIAN_DIR.toString()));
            out[0] = FashionMnistFrames.load(spark, dir, FashionMnist.Split.TRAIN, limit);
            out[1] = FashionMnistFrames.load(
                    spark, dir, FashionMnist.Split.TEST, limit == 0 ? 0 : Math.max(1, limit / 6));
        } else {
            out[0] = limit(spark.read().parquet(data), limit);
            out[1] = o.has("test") ? limit(spark.read().parquet(o.get("test", null)), limit) : null;
        }
        return out;
    }

    /**
     * The image folder of option {@code flag}: labelled by its class sub-folders, except for predict
     * (which numbers nothing and names the predicted class from the classes saved with the model).
     */
    private static Dataset<Row> images(SparkSession spark, Options o, String flag) throws IOException {
        String dir = o.get(flag, null);
        List<String> classes = o.command().equals("predict") ? List.of() : ImageFolders.classes("--" + flag, dir, true);
        return ImageFolders.read(spark, "--" + flag, dir, classes, tensorizer(o));
    }

    /** How the CLI turns images into features: {@code --channels} and {@code --image-size}. */
    static ImageTensorizer tensorizer(Options o) {
        ImageTensorizer t = new ImageTensorizer().setChannelOrder(o.get("channels", "rgb"));
        if (o.has("image-size")) {
            int[] hw = Preflight.imageSize(o);
            t.setSize(hw[0], hw[1]);
        }
        return t;
    }

    private static Dataset<Row> limit(Dataset<Row> d, int limit) {
        return limit > 0 ? d.limit(limit) : d;
    }

    static void train(Options o) throws IOException {
        String output = o.required("output");
        boolean imageFolder = o.has("image-dir");
        boolean fashion = !imageFolder && o.required("data").equals(FASHION);
        boolean overwrite = o.has("overwrite");
        checkInputs(o);
        Preflight.output("--output", output, overwrite);
        // Every param flag is parsed and validated before Spark starts; a spec error names its token.
        if (o.has("spec")) {
            ModelSpec.parse(o.get("spec", null));
        }
        CNNClassifier cnn = TRAIN_FLAGS.apply(o, new CNNClassifier());
        if (fashion && !o.has("input-shape")) {
            cnn.setInputShape("1,28,28");
        }
        List<String> classes =
                imageFolder ? ImageFolders.classes("--image-dir", o.get("image-dir", null), true) : List.of();
        if (imageFolder && !o.has("input-shape") && o.has("image-size")) {
            cnn.setInputShape(tensorizer(o).outputChannels() + "," + o.get("image-size", null));
        }
        if (!cnn.getInputShape().isBlank() && cnn.getInitialEncoder().isEmpty()) {
            requireOutputPerClass(cnn, classes);
        }
        int trainRows = o.intValue("train-rows", 0);
        if (trainRows < 0) {
            throw new IllegalArgumentException("--train-rows must be >= 1 (0: all), got " + trainRows);
        }
        warnIfSlowBlas();
        SparkSession spark = session(o);
        if (imageFolder && cnn.getInputShape().isBlank()) { // the first image's size: every image must have it
            cnn.setInputShape(ImageFolders.inputShape(spark, o.get("image-dir", null), tensorizer(o), null));
            if (cnn.getInitialEncoder().isEmpty()) {
                requireOutputPerClass(cnn, classes);
            }
        }
        Dataset<Row>[] d = data(spark, o);
        if (trainRows > 0) { // few labels: a subset of the training rows, the test set whole
            d[0] = d[0].limit(trainRows);
        }
        Dataset<Row> train = d[0];
        if (d[1] != null) {
            // The test rows ride along as validation rows: test accuracy after every epoch, never trained on.
            train = d[0].select("features", "label")
                    .withColumn("isTest", lit(false))
                    .union(d[1].select("features", "label").withColumn("isTest", lit(true)));
            cnn.setValidationIndicatorCol("isTest");
        }
        long t0 = System.nanoTime();
        CNNClassificationModel model = cnn.fit(train);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        TrainingSummary summary = model.summary();
        String modelPath = new org.apache.hadoop.fs.Path(output, "model").toString();
        if (overwrite) {
            model.write().overwrite().save(modelPath);
        } else {
            model.write().save(modelPath);
        }
        String png = writeCurves(spark, output, summary, cnn.getSpec(), overwrite);
        if (imageFolder) {
            ImageFolders.writeClasses(spark, output, classes, overwrite);
        }
        double testAccuracy = d[1] != null ? accuracy(model, d[1]) : Double.NaN;
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("test_accuracy", testAccuracy);
        metrics.put("train_seconds", trainSeconds);
        double images = summary.epochs().stream()
                .mapToDouble(e -> e.get(TrainingSummary.SAMPLES_PER_SECOND) * e.seconds())
                .sum();
        double epochSeconds = summary.epochs().stream()
                .mapToDouble(TrainingSummary.Epoch::seconds)
                .sum();
        metrics.put("images_per_second", images / epochSeconds);
        metrics.put("epochs", summary.totalEpochs());
        metrics.put(
                "final_training_loss",
                summary.epochs().get(summary.totalEpochs() - 1).trainingLoss());
        metrics.put(
                "averaging_overhead",
                summary.epochs().stream()
                                .mapToDouble(e -> e.get(TrainingSummary.AVERAGING_OVERHEAD) * e.seconds())
                                .sum()
                        / epochSeconds);
        metrics.put("data_packed_bytes", summary.dataFigure(TrainingSummary.DATA_PACKED_BYTES));
        metrics.put("data_disk_bytes", summary.dataFigure(TrainingSummary.DATA_DISK_BYTES));
        metrics.put("storage_memory_bytes", summary.dataFigure(TrainingSummary.STORAGE_MEMORY_BYTES));
        metrics.put("model", modelPath);
        metrics.put("curves", png);
        System.out.println("model saved to " + modelPath + "; training curves: " + png);
        System.out.println(json(metrics));
        spark.stop();
    }

    static void evaluate(Options o) throws IOException {
        checkInputs(o);
        if (o.has("image-dir")) {
            List<String> trained = ImageFolders.savedClasses(o.required("model"));
            List<String> here = ImageFolders.classes("--image-dir", o.get("image-dir", null), true);
            if (!trained.isEmpty() && !trained.equals(here)) {
                throw new IllegalArgumentException("--image-dir " + o.get("image-dir", null) + " has the classes "
                        + here + " but the model was trained on " + trained);
            }
        }
        PretrainCommands.probeIterations(o);
        SparkSession spark = session(o);
        String path = o.required("model");
        String saved = StatePersistence.metadata(spark, path).className();
        if (saved.equals(ContrastivePretrainerModel.class.getName())) {
            PretrainCommands.evaluate(o, spark, path);
            return;
        }
        if (o.has("probe-iterations") || o.has("baselines")) {
            throw new IllegalArgumentException("--probe-iterations and --baselines are for a pretrained encoder's"
                    + " linear probe, but --model " + path + " holds a saved " + saved);
        }
        CNNClassificationModel model = CNNClassificationModel.load(path);
        Dataset<Row>[] d = data(spark, o);
        Dataset<Row> eval = d[1] != null && FASHION.equals(o.get("data", null)) ? d[1] : d[0];
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("accuracy", accuracy(model, eval));
        metrics.put("rows", eval.count());
        System.out.println(json(metrics));
        spark.stop();
    }

    static void predict(Options o) throws IOException {
        checkInputs(o);
        String output = o.required("output");
        boolean overwrite = o.has("overwrite");
        boolean empty = Preflight.output("--output", output, overwrite);
        SparkSession spark = session(o);
        CNNClassificationModel model = CNNClassificationModel.load(o.required("model"));
        Dataset<Row>[] d = data(spark, o);
        Dataset<Row> in = d[1] != null && FASHION.equals(o.get("data", null)) ? d[1] : d[0];
        Dataset<Row> out = model.transform(in).drop("features");
        List<String> classes = ImageFolders.savedClasses(o.required("model"));
        if (!classes.isEmpty()) { // the model learnt from an image folder: name the class too
            Column names = array(classes.stream().map(functions::lit).toArray(Column[]::new));
            out = out.withColumn(
                    "predictedClass",
                    element_at(names, col("prediction").cast("int").plus(1)));
        }
        if (empty && !overwrite) {
            // An empty directory holds nothing to lose; Spark's error-if-exists writer needs it gone.
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output);
            p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, false);
        }
        out.write()
                .mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                .parquet(output);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("predictions", spark.read().parquet(o.required("output")).count());
        metrics.put("output", o.required("output"));
        System.out.println(json(metrics));
        spark.stop();
    }

    /** Never a silent fall-back to the pure-Java BLAS: one line on standard error. */
    private static void warnIfSlowBlas() {
        if (!org.sparkdl.core.kernels.Blas.isNative()) {
            System.err.println(
                    "spark-dl: native OpenBLAS is not loaded (" + org.sparkdl.core.kernels.Blas.implementation()
                            + "): the CPU kernels run 5-20x slower; sudo apt-get install -y libopenblas0-pthread");
        }
    }

    /** Master, data (or image folders) and limit: checked before Spark starts. */
    static void checkInputs(Options o) throws IOException {
        Preflight.master(o);
        Preflight.limit(o);
        if (o.has("image-dir")) {
            Preflight.imageFolders(o);
        } else {
            Preflight.data(o, FASHION);
        }
    }

    /** The spec has an output for every class of the image folder (and at least 2). */
    private static void requireOutputPerClass(CNNClassifier cnn, List<String> classes) {
        int outputs = SchemaChecks.specOutputs(cnn.getSpec(), Shapes.parse(cnn.getInputShape()));
        if (outputs < classes.size()) {
            throw new IllegalArgumentException("--image-dir has " + classes.size() + " classes but param spec '"
                    + cnn.getSpec() + "' outputs " + outputs + " values: end it with dense(" + classes.size() + ")");
        }
    }

    private static double accuracy(CNNClassificationModel model, Dataset<Row> data) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(data));
    }

    private static String writeCurves(
            SparkSession spark, String output, TrainingSummary s, String spec, boolean overwrite) throws IOException {
        CurvesChart chart = new CurvesChart("spark-dl: " + (spec.length() > 90 ? spec.substring(0, 87) + "..." : spec))
                .loss("training loss", s.series(TrainingSummary.TRAINING_LOSS))
                .accuracy("training accuracy", s.series("trainingAccuracy"));
        if (s.metricNames().contains(ClassificationTaskFactory.VALIDATION_ACCURACY)) {
            chart.accuracy("test accuracy", s.series(ClassificationTaskFactory.VALIDATION_ACCURACY));
        }
        return writeResults(spark, output, chart, s, overwrite);
    }

    /**
     * Writes {@code chart} as {@code <output>/training-curves.png} and the figures behind it as
     * {@code summary.json} and {@code summary.csv} beside it; returns the picture's path.
     */
    static String writeResults(
            SparkSession spark, String output, CurvesChart chart, TrainingSummary summary, boolean overwrite)
            throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(output, "training-curves.png");
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try (OutputStream out = fs.create(p, overwrite)) {
            chart.writePng(out);
        }
        writeText(fs, new org.apache.hadoop.fs.Path(output, "summary.json"), summary.toJson(), overwrite);
        writeText(fs, new org.apache.hadoop.fs.Path(output, "summary.csv"), summary.toCsv(), overwrite);
        return p.toString();
    }

    private static void writeText(FileSystem fs, org.apache.hadoop.fs.Path p, String text, boolean overwrite)
            throws IOException {
        try (OutputStream out = fs.create(p, overwrite)) {
            out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** A flat JSON object of numbers and strings. */
    static String json(Map<String, Object> m) {
        return m.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\": " + value(e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String value(Object v) {
        if (v instanceof Double d) {
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : v.toString().toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString(); // one line, whatever the text (a generated sample has newlines)
    }
}
