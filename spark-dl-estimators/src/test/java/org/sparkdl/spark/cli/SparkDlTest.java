package org.sparkdl.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.spark.SparkTestSession;

/** The train / evaluate / predict contract: last stdout line a JSON object, model and PNG written. */
class SparkDlTest {
    @TempDir
    Path tmp;

    private static List<String> run(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true));
        try {
            SparkDl.run(args);
        } finally {
            System.setOut(old);
            SparkTestSession.restart(); // the command stopped its session
        }
        System.out.print(buf);
        return buf.toString().lines().toList();
    }

    @Test
    void trainEvaluatePredictOnAFashionMnistSubset() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        String out = tmp.resolve("run").toString();
        List<String> lines = run(
                "train",
                "--data",
                "fashion-mnist",
                "--epochs",
                "2",
                "--limit",
                "1200",
                "--spec",
                "conv(8,5,pad=2) relu maxpool(2) flatten dense(10)",
                "--output",
                out);
        String last = lines.get(lines.size() - 1);
        assertTrue(
                last.startsWith("{")
                        && last.contains("\"test_accuracy\": 0.")
                        && last.contains("\"train_seconds\"")
                        && last.contains("\"images_per_second\""),
                last);
        assertTrue(Files.isDirectory(Path.of(out, "model", "metadata")));
        var png = ImageIO.read(Path.of(out, "training-curves.png").toFile());
        assertTrue(png.getWidth() > 500 && png.getHeight() > 300);
        // The figures behind the picture, for tools: one JSON object and a CSV row per epoch.
        String json = Files.readString(Path.of(out, "summary.json"));
        assertTrue(
                json.startsWith("{\"bestEpoch\": 2, \"stoppedEarly\": false, \"data\": {\"chunks\": ")
                        && json.contains("\"epochs\": [{\"epoch\": 1, ")
                        && json.contains("\"validationAccuracy\": 0."),
                json);
        List<String> csv = Files.readAllLines(Path.of(out, "summary.csv"));
        assertEquals(3, csv.size(), csv.toString());
        assertTrue(csv.get(0).startsWith("epoch,trainingLoss,") && csv.get(2).startsWith("2,"), csv.toString());
        assertEquals(csv.get(0).split(",").length, csv.get(2).split(",", -1).length, csv.toString());

        List<String> eval = run("evaluate", "--model", out + "/model", "--data", "fashion-mnist", "--limit", "1200");
        assertTrue(eval.get(eval.size() - 1).matches("\\{\"accuracy\": 0\\.\\d+, \"rows\": 200}"), eval.toString());
        var probeOfAClassifier = assertThrows(
                IllegalArgumentException.class,
                () -> run(
                        "evaluate",
                        "--model",
                        out + "/model",
                        "--data",
                        "fashion-mnist",
                        "--limit",
                        "1200",
                        "--baselines"));
        assertTrue(
                probeOfAClassifier.getMessage().contains("are for a pretrained encoder's linear probe")
                        && probeOfAClassifier.getMessage().contains("CNNClassificationModel"),
                probeOfAClassifier.getMessage());

        String preds = tmp.resolve("preds").toString();
        List<String> p = run(
                "predict", "--model", out + "/model", "--data", "fashion-mnist", "--limit", "600", "--output", preds);
        assertTrue(p.get(p.size() - 1).contains("\"predictions\": 100"), p.toString());
        assertEquals(
                List.of("label", "prediction", "rawPrediction", "probability"),
                List.of(SparkTestSession.get().read().parquet(preds).columns()));
    }

    @Test
    void trainsFromParquetConvertedFromIdx() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        String parquet = tmp.resolve("fmnist-parquet").toString();
        org.sparkdl.datasets.FashionMnistFrames.toParquet(
                SparkTestSession.get(), FashionMnist.DEBIAN_DIR, parquet, 600);
        assertEquals(
                600, SparkTestSession.get().read().parquet(parquet + "/train").count());
        assertEquals(
                600, SparkTestSession.get().read().parquet(parquet + "/test").count());
        List<String> lines = run(
                "train",
                "--data",
                parquet + "/train",
                "--test",
                parquet + "/test",
                "--input-shape",
                "1,28,28",
                "--epochs",
                "1",
                "--spec",
                "flatten dense(10)",
                "--output",
                tmp.resolve("pq").toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.contains("\"test_accuracy\": 0.") && last.contains("\"epochs\": 1"), last);
    }

    /** Writes {@code n} 16×16 grey PNGs of the quadrant task as {@code dir/<class>/<i>.png}, classes "q0".."q3". */
    private static Path imageFolder(Path dir, int n, long seed) throws Exception {
        var set = org.sparkdl.datasets.SyntheticImages.quadrants(n, 16, seed);
        for (int i = 0; i < n; i++) {
            var img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 16; y++) {
                for (int x = 0; x < 16; x++) {
                    int v = Math.round(Math.max(0, Math.min(1, set.pixels()[i * 256 + y * 16 + x])) * 255);
                    img.getRaster().setSample(x, y, 0, v);
                }
            }
            Path cls = Files.createDirectories(dir.resolve("q" + set.labels()[i]));
            ImageIO.write(img, "png", cls.resolve(i + ".png").toFile());
        }
        return dir;
    }

    @Test
    void trainsEvaluatesAndPredictsFromImageFolders() throws Exception {
        String train = imageFolder(tmp.resolve("images/train"), 400, 1).toString();
        String test = imageFolder(tmp.resolve("images/test"), 100, 2).toString();
        String out = tmp.resolve("img-run").toString();
        List<String> lines = run(
                "train",
                "--image-dir",
                train,
                "--test",
                test,
                "--channels",
                "gray",
                "--epochs",
                "3",
                "--lr",
                "0.01",
                "--batch",
                "32",
                "--spec",
                "conv(8,3,pad=1) relu maxpool(2) flatten dense(4)",
                "--output",
                out);
        String last = lines.get(lines.size() - 1);
        double accuracy = Double.parseDouble(last.replaceAll(".*\"test_accuracy\": ([0-9.]+).*", "$1"));
        assertTrue(accuracy > 0.8, "the classes are learnt from the folder names: " + last);
        assertEquals(List.of("q0", "q1", "q2", "q3"), Files.readAllLines(Path.of(out, "classes.txt")));

        List<String> eval = run("evaluate", "--model", out + "/model", "--image-dir", test, "--channels", "gray");
        assertTrue(eval.get(eval.size() - 1).endsWith("\"rows\": 100}"), eval.toString());

        String preds = tmp.resolve("img-preds").toString();
        run("predict", "--model", out + "/model", "--image-dir", test, "--channels", "gray", "--output", preds);
        List<org.apache.spark.sql.Row> rows = SparkTestSession.get()
                .read()
                .parquet(preds)
                .select("origin", "predictedClass")
                .collectAsList();
        assertEquals(100, rows.size());
        long right = rows.stream()
                .filter(r -> ImageFolders.parentName(r.getString(0)).equals(r.getString(1)))
                .count();
        assertEquals(accuracy, right / 100.0, 1e-9, "predict names the classes evaluate counted");

        // Each kind of data given to the other flag is named, with the flag to use; so are folders that disagree.
        String x = tmp.resolve("x").toString();
        String[][] refused = {
            {"holds no Parquet data", "train", "--data", train + "/q1", "--output", x},
            {
                "for a folder of images with one sub-folder per class use --image-dir",
                "train",
                "--data",
                train + "/q1",
                "--output",
                x
            },
            {"has no sub-folders", "evaluate", "--model", out + "/model", "--image-dir", train + "/q1"},
            {
                "--test " + train + "/.. has the classes [test, train]",
                "train",
                "--image-dir",
                train,
                "--test",
                train + "/..",
                "--output",
                x
            },
            {
                "--image-size 16 must be a height and a width",
                "train",
                "--image-dir",
                train,
                "--image-size",
                "16",
                "--output",
                x
            },
            {
                "has 4 classes but param spec 'flatten dense(3)' outputs 3 values: end it with dense(4)",
                "train",
                "--image-dir",
                train,
                "--image-size",
                "16,16",
                "--channels",
                "gray",
                "--spec",
                "flatten dense(3)",
                "--output",
                x
            },
        };
        for (String[] c : refused) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            var e = assertThrows(IllegalArgumentException.class, () -> SparkDl.run(args));
            assertTrue(e.getMessage().contains(c[0]), String.join(" ", args) + ": " + e.getMessage());
        }
    }

    @Test
    void badOptionsAreNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> SparkDl.run(new String[] {"train", "--epoch", "3"}));
        assertTrue(e.getMessage().contains("--epoch"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SparkDl.run(new String[] {"fit"}));
        assertTrue(e.getMessage().contains("unknown command 'fit'"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> SparkDl.run(new String[] {"train", "--data", "fashion-mnist", "--epochs", "x"}));
        assertTrue(e.getMessage().contains("--output") || e.getMessage().contains("--epochs"), e.getMessage());
    }

    /** {@code command} on Fashion-MNIST with flag {@code c[0]} set to {@code c[1]} fails at once, saying {@code c[2]}. */
    private void assertRefusedBeforeSparkStarts(String command, String[] c) {
        long t0 = System.nanoTime();
        String[] args = {
            command, "--data", "fashion-mnist", "--output", tmp.resolve("x").toString(), c[0], c[1]
        };
        var e = assertThrows(IllegalArgumentException.class, () -> SparkDl.run(args));
        assertTrue(e.getMessage().contains(c[2]), c[0] + ": " + e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 3, c[0] + " took too long: Spark must not start");
    }

    /** Param flags are checked by the params' own validators, before Spark starts, and named in the error. */
    @Test
    void paramFlagsAreValidatedBeforeSparkStartsAndNamed() {
        String[][] cases = {
            {"--lr", "-1", "--lr -1 is not valid: base learning rate (> 0)"},
            {"--epochs", "x", "--epochs takes an integer, got 'x'"},
            {"--optimizer", "adamx", "--optimizer adamx is not valid"},
            {"--early-stopping", "-2", "--early-stopping -2 is not valid"},
            {"--initializer", "orthogonal", "--initializer orthogonal is not valid"},
            {"--weight-decay", "-0.1", "--weight-decay -0.1 is not valid"},
            {"--weight-decay", "0.1", "--optimizer adam: weightDecay is AdamW's decoupled decay"},
            {"--spec", "conv(8,3) dense(10)", "dense(10)"},
        };
        for (String[] c : cases) {
            assertRefusedBeforeSparkStarts("train", c);
        }
        String usage = SparkDl.usage();
        assertTrue(
                usage.contains("[--lr 0.001]")
                        && usage.contains("[--batch 64]")
                        && usage.contains("[--initializer he_normal]"),
                "defaults from the params: " + usage);
        assertTrue(
                usage.contains("[--method simclr]") && usage.contains("[--batch 256]"), "pretrain defaults: " + usage);
        String[][] pretrain = {
            {"--temperature", "0", "--temperature 0 is not valid"},
            {"--method", "byol", "--method byol is not valid"},
            {"--queue", "0", "--queue 0 is not valid"},
            {"--initializer", "zeros", "--initializer zeros is not valid"},
            {"--crop-scale-min", "0", "--crop-scale-min 0 is not valid"},
            {"--local-crop-scale-max", "1.5", "--local-crop-scale-max 1.5 is not valid"},
            {"--probe-iterations", "0", "--probe-iterations must be >= 1, got 0"},
        };
        for (String[] c : pretrain) {
            assertRefusedBeforeSparkStarts("pretrain", c);
        }
        var switchElsewhere = assertThrows(
                IllegalArgumentException.class,
                () -> SparkDl.run(new String[] {
                    "train",
                    "--data",
                    "fashion-mnist",
                    "--output",
                    tmp.resolve("x").toString(),
                    "--baselines"
                }));
        assertTrue(switchElsewhere.getMessage().contains("unknown option --baselines"), switchElsewhere.getMessage());
    }

    /** Outputs are never replaced without --overwrite, and everything is checked before Spark starts. */
    @Test
    void existingOutputsAreRefusedAndLeftIntact() throws Exception {
        java.nio.file.Path folder = java.nio.file.Files.createDirectories(tmp.resolve("mine"));
        java.nio.file.Path kept = java.nio.file.Files.writeString(folder.resolve("notes.txt"), "keep me");
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "keep me too");
        String[][] cases = {
            {"predict", "--model", "/nowhere", "--data", "fashion-mnist", "--output", folder.toString()},
            {"train", "--data", "fashion-mnist", "--output", file.toString()},
            {"train", "--data", "fashion-mnist", "--output", folder.toString()},
            {
                "train",
                "--data",
                "fashion-mnist",
                "--limit",
                "-5",
                "--output",
                tmp.resolve("new").toString()
            },
            {
                "train",
                "--data",
                "fashion-mnist",
                "--test",
                "x.parquet",
                "--output",
                tmp.resolve("new").toString()
            },
            {
                "train",
                "--data",
                "/no/such.parquet",
                "--output",
                tmp.resolve("new").toString()
            },
            {"evaluate", "--model", "/nowhere", "--data", "fashion-mnist", "--master", "bogus"},
        };
        String[] expected = {
            "already holds 1 entries",
            "is an existing file",
            "already holds 1 entries",
            "--limit -5",
            "--test is for Parquet",
            "--data /no/such.parquet does not exist",
            "--master bogus"
        };
        for (int i = 0; i < cases.length; i++) {
            String[] c = cases[i];
            long t0 = System.nanoTime();
            var e = assertThrows(IllegalArgumentException.class, () -> SparkDl.run(c));
            assertTrue(e.getMessage().contains(expected[i]), String.join(" ", c) + ": " + e.getMessage());
            assertTrue((System.nanoTime() - t0) / 1e9 < 3, String.join(" ", c) + ": Spark must not start");
        }
        assertEquals("keep me", java.nio.file.Files.readString(kept));
        assertEquals(1, java.nio.file.Files.list(folder).count());
        assertEquals("keep me too", java.nio.file.Files.readString(file));
        assertTrue(!java.nio.file.Files.exists(tmp.resolve("new")), "a refused command leaves nothing behind");
    }

    /** export writes a saved model's ONNX file, and refuses to replace it before Spark starts. */
    @Test
    void exportsASavedModelAsOnnx() throws Exception {
        String spec = "conv(2,3) relu flatten dense(3)";
        var model = new org.sparkdl.spark.ml.cnn.CNNClassificationModel(
                "cli-export",
                org.sparkdl.core.spec.ModelSpec.parse(spec)
                        .build(new int[] {1, 5, 5}, new org.sparkdl.core.kernels.CpuKernels(), 1)
                        .state());
        model.set(model.spec(), spec);
        model.set(model.inputShape(), "1,5,5");
        SparkTestSession.get();
        String dir = tmp.resolve("saved").toString();
        model.write().save(dir);
        Path onnx = tmp.resolve("model.onnx");
        List<String> lines = run("export", "--model", dir, "--onnx", onnx.toString());
        String json = lines.get(lines.size() - 1);
        assertTrue(
                json.startsWith("{\"onnx\": \"" + onnx + "\", \"bytes\": " + Files.size(onnx))
                        && json.endsWith("\"model\": \"CNNClassificationModel\", \"outputs\": \"logits,probability\"}"),
                json);
        assertEquals(
                java.util.Arrays.toString(model.onnxExport().toBytes()),
                java.util.Arrays.toString(Files.readAllBytes(onnx)),
                "the file is the model's export");

        long t0 = System.nanoTime();
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> SparkDl.run(new String[] {"export", "--model", dir, "--onnx", onnx.toString()}));
        assertEquals("--onnx " + onnx + " already exists; add --overwrite to replace it", e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1e9 < 3, "Spark must not start");
        var missing = assertThrows(
                IllegalArgumentException.class,
                () -> SparkDl.run(new String[] {"export", "--model", "/nowhere", "--onnx", onnx + "2"}));
        assertEquals("--model /nowhere does not exist", missing.getMessage());
        run("export", "--model", dir, "--onnx", onnx.toString(), "--overwrite");
    }

    /** train-lm on a Parquet text column, then generate from the saved model. */
    @Test
    void trainsACharacterModelAndGeneratesFromIt() throws Exception {
        java.util.List<org.apache.spark.sql.Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            rows.add(org.apache.spark.sql.RowFactory.create("the cat sat on the mat " + (i % 7), i % 10 == 0));
        }
        String parquet = tmp.resolve("text.parquet").toString();
        SparkTestSession.get()
                .createDataFrame(
                        rows,
                        new org.apache.spark.sql.types.StructType()
                                .add("text", org.apache.spark.sql.types.DataTypes.StringType)
                                .add("isValidation", org.apache.spark.sql.types.DataTypes.BooleanType))
                .write()
                .parquet(parquet);
        String out = tmp.resolve("lm").toString();
        List<String> lines = run(
                "train-lm",
                "--data",
                parquet,
                "--output",
                out,
                "--spec",
                "embedding(8, vocab={vocab}) gru(32) dense({vocab})",
                "--sequence-length",
                "32",
                "--bptt",
                "16",
                "--epochs",
                "2",
                "--partitions",
                "1",
                "--lr",
                "0.01");
        String json = lines.get(lines.size() - 1);
        assertTrue(
                json.contains("\"perplexity\": ")
                        && json.contains("\"tokens_per_second\": ")
                        && json.contains("\"sample\": \"The "),
                json);
        assertTrue(java.nio.file.Files.exists(java.nio.file.Path.of(out, "training-curves.png")));
        List<String> text = run("generate", "--model", out + "/model", "--prompt", "the", "--length", "10");
        String generated = text.get(text.size() - 1);
        assertTrue(generated.startsWith("the") && generated.codePointCount(0, generated.length()) == 13, generated);
    }

    @Test
    void theMetricsLineStaysOneLineOfJson() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("sample", "one\ntwo \"q\" back\\slash\u0001");
        m.put("loss", Double.NaN);
        assertEquals("{\"sample\": \"one\\ntwo \\\"q\\\" back\\\\slash\\u0001\", \"loss\": null}", SparkDl.json(m));
    }
}
