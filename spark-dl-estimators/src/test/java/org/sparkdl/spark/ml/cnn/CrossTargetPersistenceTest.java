package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.ml.PipelineModel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.spark.SparkTestSession;

/**
 * A pipeline saved under one Spark/Scala target loads under every other and predicts what it did
 * there, and every target writes the same metadata and Parquet layout. {@code saved-targets/<target>/}
 * in the test resources holds one pipeline saved by each target (its README says how it was made);
 * each target's build runs these tests against all of them.
 */
class CrossTargetPersistenceTest {
    private static final Path SAVED = Path.of("src/test/resources/saved-targets");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeEach
    void session() {
        SparkTestSession.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {"spark3.5_2.12", "spark3.5_2.13", "spark4.2_2.13"})
    void aPipelineSavedUnderAnyTargetPredictsHereWhatItDidThere(String target) throws IOException {
        SavedPipelines.assertLoadsAndPredictsAsSaved(SAVED.resolve(target));
    }

    /**
     * Saving again what another target saved gives the same tree (file names aside: Spark 3.5 names
     * the metadata file {@code part-00000}, Spark 4 {@code part-00000-<uuid>-c000.txt}), the same
     * metadata but for when and by which Spark, the same Parquet schemas and the same layout.json.
     */
    @ParameterizedTest
    @ValueSource(strings = {"spark3.5_2.12", "spark3.5_2.13", "spark4.2_2.13"})
    void thisTargetWritesTheLayoutEveryTargetWrote(String target) throws IOException {
        Path theirs = SAVED.resolve(target).resolve("pipeline");
        Path ours = tmp.resolve("pipeline");
        PipelineModel.load(theirs.toString()).write().save(ours.toString());

        Map<String, String> theirFiles = files(theirs);
        assertEquals(theirFiles.keySet(), files(ours).keySet(), "the saved tree");
        for (String dir : theirFiles.keySet()) {
            if (dir.endsWith("metadata")) {
                JsonNode mine = metadata(ours.resolve(dir));
                JsonNode saved = metadata(theirs.resolve(dir));
                assertEquals(saved, withoutParamsAddedSince(mine, saved), dir);
            } else if (dir.endsWith("data")) {
                assertEquals(
                        SparkTestSession.get()
                                .read()
                                .parquet(theirs.resolve(dir).toString())
                                .schema(),
                        SparkTestSession.get()
                                .read()
                                .parquet(ours.resolve(dir).toString())
                                .schema(),
                        dir);
            }
        }
        for (String dir : theirFiles.keySet()) {
            Path layout = theirs.resolve(dir).resolve("layout.json");
            if (Files.exists(layout)) {
                assertEquals(
                        Files.readString(layout),
                        Files.readString(ours.resolve(dir).resolve("layout.json")));
            }
        }
        assertTrue(theirFiles.values().stream().anyMatch(kinds -> kinds.contains("layout.json")), "" + theirFiles);
    }

    /**
     * Saves this target's pipeline into saved-targets/: {@code mvn test -P <target> -pl
     * spark-dl-estimators -am -Dtest=CrossTargetPersistenceTest -Dsparkdl.saveFixture=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "sparkdl.saveFixture", matches = "true")
    void saveThisTargetsFixture() throws IOException {
        Path dir = SAVED.resolve(System.getProperty("sparkdl.target"));
        assertTrue(!Files.exists(dir), dir + " exists: delete it first to make it again");
        SavedPipelines.fitAndSave(Files.createDirectories(dir));
    }

    /** Params that stages gained after the fixtures were saved: written now, absent from the fixtures. */
    private static final List<String> ADDED_SINCE = List.of("maxBlockSizeInMB", "featureStorage");

    /**
     * {@code mine} without the default params that {@code saved} lacks, which must be among {@link
     * #ADDED_SINCE}: a newer version writes its new params' defaults, and older files load without them.
     */
    private static JsonNode withoutParamsAddedSince(JsonNode mine, JsonNode saved) {
        ObjectNode copy = mine.deepCopy();
        if (copy.get("defaultParamMap") instanceof ObjectNode defaults && saved.has("defaultParamMap")) {
            List<String> added = new ArrayList<>();
            defaults.fieldNames().forEachRemaining(name -> {
                if (!saved.get("defaultParamMap").has(name)) {
                    added.add(name);
                }
            });
            assertTrue(ADDED_SINCE.containsAll(added), "params written now but not in the fixture: " + added);
            defaults.remove(added);
        }
        return copy;
    }

    /** Each folder under {@code root} (relative) → the kinds of file in it, sorted. */
    private static Map<String, String> files(Path root) throws IOException {
        Map<String, List<String>> kinds = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                String name = f.getFileName().toString();
                String kind = name.startsWith("part-")
                        ? "part" + (name.endsWith(".parquet") ? ".parquet" : "")
                        : name.startsWith(".") ? null : name; // .crc checksums are the local file system's
                if (kind != null) {
                    kinds.computeIfAbsent(root.relativize(f.getParent()).toString(), k -> new ArrayList<>())
                            .add(kind);
                }
            }
        }
        Map<String, String> out = new TreeMap<>();
        kinds.forEach((dir, k) -> out.put(dir, k.stream().sorted().toList().toString()));
        return out;
    }

    /** The one metadata JSON line in {@code dir}, without the time of the save and the Spark that made it. */
    private static JsonNode metadata(Path dir) throws IOException {
        try (Stream<Path> parts = Files.list(dir)) {
            Path part = parts.filter(p -> p.getFileName().toString().startsWith("part-"))
                    .findFirst()
                    .orElseThrow();
            ObjectNode json =
                    (ObjectNode) JSON.readTree(Files.readAllLines(part).get(0));
            json.remove(List.of("timestamp", "sparkVersion"));
            return json;
        }
    }
}
