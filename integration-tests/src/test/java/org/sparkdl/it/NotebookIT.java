package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs each notebook's code on local Spark on a small sample: the code paragraphs are extracted,
 * preceded by a prelude that provides what Zeppelin and Databricks provide ({@code spark},
 * {@code z.show}, {@code display}, {@code displayHTML}), and run as one Scala script in its own JVM.
 * The script runner exits non-zero when any paragraph throws; markers say which one.
 */
class NotebookIT {
    static final Path NOTEBOOKS = Path.of(System.getProperty("sparkdl.notebooks", "../notebooks"));

    @TempDir
    Path tmp;

    static final String PRELUDE = String.join(
            "\n",
            "import org.apache.spark.sql.{DataFrame, SparkSession}",
            "val spark = SparkSession.builder.master(\"local[2]\").appName(\"notebook\")",
            "  .config(\"spark.ui.enabled\", \"false\").config(\"spark.driver.host\", \"127.0.0.1\").getOrCreate()",
            "spark.sparkContext.setLogLevel(\"WARN\")",
            "val sc = spark.sparkContext",
            "object z { def show(df: DataFrame): Unit = df.show(20, false) }",
            "def display(df: DataFrame): Unit = df.show(20, false)",
            "def displayHTML(html: String): Unit = println(\"[html \" + html.length + \" chars]\")",
            "");

    /** Code paragraphs of a notebook, in order. */
    static List<String> paragraphs(Path notebook) throws IOException {
        List<String> out = new ArrayList<>();
        String name = notebook.getFileName().toString();
        if (name.endsWith(".zpln")) {
            JsonNode note = new ObjectMapper().readTree(notebook.toFile());
            for (JsonNode p : note.get("paragraphs")) {
                String text = p.get("text").asText();
                if (text.startsWith("%spark")) {
                    out.add(text.substring(text.indexOf('\n') + 1));
                } else if (!text.startsWith("%md")) {
                    throw new AssertionError(name + ": paragraph " + p.get("id") + " has no %spark or %md interpreter");
                }
            }
        } else {
            String src = Files.readString(notebook);
            assertTrue(src.startsWith("// Databricks notebook source"), name + " is not a Databricks source notebook");
            for (String cell : src.substring(src.indexOf('\n') + 1).split("\n// COMMAND ----------\n")) {
                boolean markdown = cell.strip().lines().allMatch(l -> l.startsWith("// MAGIC"));
                if (!markdown && !cell.isBlank()) {
                    out.add(cell.strip());
                }
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fashion-mnist.zpln", "fashion-mnist-databricks.scala"})
    void everyParagraphRunsOnASmallSample(String notebook) throws Exception {
        List<String> code = paragraphs(NOTEBOOKS.resolve(notebook));
        assertTrue(code.size() >= 5, notebook + " has " + code.size() + " code paragraphs");
        StringBuilder script = new StringBuilder(PRELUDE);
        for (int i = 0; i < code.size(); i++) {
            String c = code.get(i)
                    .replace("val trainLimit = 0 ", "val trainLimit = 1200 ")
                    .replace("val epochs = 5", "val epochs = 1")
                    .replace("val textLimit = 0 ", "val textLimit = 400 ");
            script.append("\nprintln(\"=== paragraph ")
                    .append(i + 1)
                    .append(" ===\")\n")
                    .append(c)
                    .append('\n');
        }
        script.append("\nprintln(\"=== notebook done ===\")\nspark.stop()\n");
        assertTrue(script.indexOf("val trainLimit = 1200") > 0, "the sample size line is where the test expects it");
        assertTrue(script.indexOf("val textLimit = 400") > 0, "the text size line is where the test expects it");
        Path file = tmp.resolve(notebook.replace('.', '_') + ".scala");
        Files.writeString(file, script);
        try (Processes ps = new Processes(tmp.resolve("logs"))) {
            String cp = Processes.sparkClasspath() + File.pathSeparator + Processes.ASSEMBLY.toAbsolutePath();
            Processes.Jvm run = ps.java(
                    "notebook-" + notebook,
                    cp,
                    Map.of(),
                    List.of("-Xmx2g", "-Djava.awt.headless=true"),
                    "scala.tools.nsc.MainGenericRunner",
                    "-usejavacp",
                    file.toString());
            int exit = run.exit(Duration.ofMinutes(10));
            String log = run.output();
            assertEquals(0, exit, notebook + " failed after the last paragraph marker below:\n" + run.tail());
            assertTrue(log.contains("=== notebook done ==="), run.tail());
            assertTrue(log.contains("the loaded model predicts the same: true"), run.tail());
            assertTrue(log.contains("test accuracy: 0."), run.tail());
            assertTrue(log.contains("linear probe on the SimCLR embeddings: test accuracy 0."), run.tail());
            assertTrue(log.contains("fine-tuned from the encoder on 1,000 labels: test accuracy 0."), run.tail());
        }
    }
}
