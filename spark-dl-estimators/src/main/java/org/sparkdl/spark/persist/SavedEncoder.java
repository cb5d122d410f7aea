package org.sparkdl.spark.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.task.PretrainedLayers;

/**
 * A saved encoder read back to start another network from it: its spec, input shape and named
 * tensors. Any saved stage of {@link #CLASS_NAMES} qualifies (a pretrained encoder).
 */
public record SavedEncoder(String spec, String inputShape, Map<String, float[]> tensors) {
    /** The stages whose saved state is an encoder. */
    public static final List<String> CLASS_NAMES = List.of("org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel");

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the encoder at {@code path}; errors name the path and what was found there instead. */
    public static SavedEncoder read(SparkSession spark, String path) {
        StatePersistence.Saved saved = StatePersistence.read(spark, path, "pretrained encoder", CLASS_NAMES);
        JsonNode root;
        try {
            root = JSON.readTree(saved.metadata().metadataJson());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the metadata of " + path, e);
        }
        Map<String, float[]> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, TensorTable.Entry> e : saved.tensors().entrySet()) {
            tensors.put(e.getKey(), e.getValue().values());
        }
        return new SavedEncoder(param(root, "spec", path), param(root, "inputShape", path), tensors);
    }

    private static String param(JsonNode root, String name, String path) {
        for (String map : new String[] {"paramMap", "defaultParamMap"}) {
            JsonNode v = root.path(map).path(name);
            if (!v.isMissingNode()) {
                return v.asText();
            }
        }
        throw new IllegalArgumentException("the encoder saved at " + path + " has no '" + name + "' param");
    }

    /** The network spec of this encoder with {@code head} on top. */
    public String specWith(String head) {
        return spec + " " + head;
    }

    /** These weights as the first layers of a network whose spec starts with this encoder's. */
    public PretrainedLayers asStart(boolean frozen) {
        return new PretrainedLayers(tensors, ModelSpec.parse(spec).tokens().size(), frozen);
    }
}
