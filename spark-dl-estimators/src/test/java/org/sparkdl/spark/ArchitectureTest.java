package org.sparkdl.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/ARCHITECTURE.md, read off the main sources: which package uses
 * which (imports and fully qualified names), no circle between packages, the engine's packages
 * never use the estimators', core never uses Spark, Hadoop or Scala (it is one artifact for every
 * Spark/Scala target), and the Spark lines differ only in one package.
 */
class ArchitectureTest {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
    private static final Pattern REFERENCE = Pattern.compile("\\b(org\\.sparkdl\\.[a-z]+(?:\\.[a-z][\\w]*)*)\\.[A-Z]");
    private static final Pattern FOREIGN =
            Pattern.compile("(?m)^import (?:static )?(org\\.apache\\.(?:spark|hadoop)|scala)\\.");
    private static final Pattern ONNX = Pattern.compile("\\b(com\\.google\\.protobuf|org\\.sparkdl\\.onnx)\\.");

    /** package → the packages of this project it uses. */
    private static Map<String, Set<String>> uses(Path root) throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                String text = Files.readString(f);
                Matcher pm = PACKAGE.matcher(text);
                assertTrue(pm.find(), "no package in " + f);
                String pkg = pm.group(1);
                Set<String> out = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(code(text));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        out.add(m.group(1));
                    }
                }
            }
        }
        return graph;
    }

    /** The source without comments and string literals: a class name in a string is no dependency. */
    static String code(String source) {
        return source.replaceAll("\"(?:[^\"\\\\\n]|\\\\.)*\"", "\"\"")
                .replaceAll("(?s)/\\*.*?\\*/", " ")
                .replaceAll("//[^\n]*", " ");
    }

    @Test
    void estimatorPackagesHaveNoCircleAndTheEngineNeverUsesTheStages() throws IOException {
        Map<String, Set<String>> graph = uses(Path.of("src/main/java"));
        assertTrue(graph.keySet().containsAll(List.of("org.sparkdl.spark.ml", "org.sparkdl.spark.train")), "" + graph);
        for (String engine : List.of("org.sparkdl.spark.train", "org.sparkdl.spark.persist")) {
            for (String used : graph.get(engine)) {
                assertTrue(
                        !used.startsWith("org.sparkdl.spark.ml") && !used.startsWith("org.sparkdl.spark.cli"),
                        engine + " uses " + used + ": the engine must not depend on an estimator");
            }
        }
        List<String> families =
                List.of("org.sparkdl.spark.ml.cnn", "org.sparkdl.spark.ml.rnn", "org.sparkdl.spark.ml.ssl");
        for (String family : families) {
            assertTrue(graph.containsKey(family), family + " missing from " + graph.keySet());
            for (String used : graph.get(family)) {
                assertTrue(
                        used.equals(family) || !families.contains(used),
                        family + " uses " + used + ": estimator families must not depend on each other");
            }
        }
        assertEquals(List.of(), circle(graph), "a circle between packages");
    }

    @Test
    void coreUsesNeitherSparkNorHadoopNorScala() throws IOException {
        assertImportsNone(Path.of("../spark-dl-core/src/main/java"), FOREIGN);
    }

    /** The ONNX export is plain Java too; core knows neither it nor protobuf (the export reads core). */
    @Test
    void onnxExportUsesNeitherSparkNorHadoopNorScalaAndCoreDoesNotUseIt() throws IOException {
        assertImportsNone(Path.of("../spark-dl-onnx/src/main/java"), FOREIGN);
        assertImportsNone(Path.of("../spark-dl-core/src/main/java"), ONNX);
    }

    private static void assertImportsNone(Path sources, Pattern imports) throws IOException {
        assertTrue(Files.isDirectory(sources), sources + " is missing");
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                Matcher m = imports.matcher(code(Files.readString(f)));
                assertTrue(!m.find(), f + " uses " + (m.hitEnd() ? "" : m.group(1)));
            }
        }
    }

    /**
     * What differs between Spark lines stays in one place: src/main/spark-3.5 and src/main/spark-4
     * hold the same files, all in {@code org.sparkdl.spark.compat}, and that package uses nothing
     * else of this project.
     */
    @Test
    void theSparkLinesDifferOnlyInTheCompatPackage() throws IOException {
        List<Set<String>> lines = new ArrayList<>();
        for (String line : List.of("src/main/spark-3.5", "src/main/spark-4")) {
            Set<String> files = new TreeSet<>();
            try (Stream<Path> all = Files.walk(Path.of(line))) {
                for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                    files.add(Path.of(line).relativize(f).toString());
                }
            }
            Map<String, Set<String>> graph = uses(Path.of(line));
            assertEquals(Set.of("org.sparkdl.spark.compat"), graph.keySet(), line);
            assertEquals(Set.of(), graph.get("org.sparkdl.spark.compat"), line + " uses");
            lines.add(files);
        }
        assertEquals(lines.get(0), lines.get(1), "the same classes for every Spark line");
        assertEquals(Set.of(), uses(Path.of("src/main/java")).get("org.sparkdl.spark.compat"));
    }

    /** The packages of one circle, or an empty list when there is none (depth-first search). */
    private static List<String> circle(Map<String, Set<String>> graph) {
        Map<String, Integer> state = new TreeMap<>(); // 1 on the path, 2 done
        for (String start : graph.keySet()) {
            List<String> path = new ArrayList<>();
            List<String> found = visit(start, graph, state, path);
            if (!found.isEmpty()) {
                return found;
            }
        }
        return List.of();
    }

    private static List<String> visit(
            String node, Map<String, Set<String>> graph, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(node);
        if (s != null && s == 2) {
            return List.of();
        }
        if (s != null && s == 1) {
            return new ArrayList<>(path.subList(path.indexOf(node), path.size()));
        }
        state.put(node, 1);
        path.add(node);
        for (String next : graph.getOrDefault(node, Set.of())) {
            if (graph.containsKey(next)) {
                List<String> found = visit(next, graph, state, path);
                if (!found.isEmpty()) {
                    return found;
                }
            }
        }
        path.remove(path.size() - 1);
        state.put(node, 2);
        return List.of();
    }
}
