package org.sparkdl.spark.persist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.spark.compat.ScalaCollections;
import org.sparkdl.spark.compat.SparkCompat;
import scala.Option;

/**
 * One layout for every stage that carries a state (a model's weights, a preprocessing stage's
 * statistics), in MLlib's style: {@code metadata/} (class, uid, params as JSON, by Spark's default
 * params writer), {@code data/} (the named tensors as a {@link TensorTable}) and
 * {@code layout.json} beside them (each tensor's name and shape, in order). Loading parses JSON
 * and Parquet only, never Java objects.
 */
public final class StatePersistence {
    public static final String DATA = "data";
    public static final String LAYOUT = "layout.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatePersistence() {}

    /** Writes metadata, the tensors, then their layout. */
    public static final class Writer extends MLWriter {
        private final Params stage;
        private final Supplier<List<TensorTable.Entry>> tensors;

        public Writer(Params stage, Supplier<List<TensorTable.Entry>> tensors) {
            this.stage = stage;
            this.tensors = tensors;
        }

        @Override
        public void saveImpl(String path) {
            List<TensorTable.Entry> entries = tensors.get();
            SparkCompat.saveMetadata(stage, path, sparkSession());
            TensorTable.write(sparkSession(), new Path(path, DATA).toString(), entries);
            ArrayNode layout = JSON.createArrayNode();
            for (TensorTable.Entry e : entries) {
                ObjectNode t = layout.addObject();
                t.put("name", e.name());
                ArrayNode shape = t.putArray("shape");
                for (int d : e.shape()) {
                    shape.add(d);
                }
            }
            Path p = new Path(path, LAYOUT);
            try (OutputStream out = fs(sparkSession(), p).create(p, false)) {
                JSON.writerWithDefaultPrettyPrinter().writeValue(out, layout);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + p, e);
            }
        }
    }

    /** A saved stage: its metadata and its tensors by name. */
    public record Saved(
            DefaultParamsReader.Metadata metadata, Map<String, TensorTable.Entry> tensors, String dataPath) {
        public String uid() {
            return metadata.uid();
        }
    }

    /**
     * Reads the stage saved at {@code path}, checking that it is a saved {@code what} (a name for
     * messages) of one of {@code classNames} (the current class, and names it had in earlier
     * releases), and that the tensors match {@code layout.json} when there is one (releases before
     * 0.2 wrote none).
     */
    public static Saved read(SparkSession spark, String path, String what, List<String> classNames) {
        requireDirectories(spark, path, what);
        DefaultParamsReader.Metadata md = metadata(spark, path);
        if (!classNames.contains(md.className())) {
            throw new IllegalArgumentException(path + " holds a saved " + md.className() + ", not a " + what);
        }
        String data = new Path(path, DATA).toString();
        Map<String, TensorTable.Entry> tensors = TensorTable.read(spark, data);
        Path layout = new Path(path, LAYOUT);
        try {
            FileSystem fs = fs(spark, layout);
            if (fs.exists(layout)) {
                JsonNode names;
                try (InputStream in = fs.open(layout)) {
                    names = JSON.readTree(in);
                } catch (IOException e) {
                    throw new IllegalArgumentException(layout + " is not readable JSON: " + e.getMessage(), e);
                }
                for (JsonNode t : names) {
                    if (!tensors.containsKey(t.path("name").asText())) {
                        throw new IllegalArgumentException("the weights at " + data + " have no tensor '"
                                + t.path("name").asText() + "' although " + layout + " lists it: the save is"
                                + " incomplete");
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + layout, e);
        }
        return new Saved(md, tensors, data);
    }

    /** The stage's metadata; unreadable metadata is an error naming the path. */
    public static DefaultParamsReader.Metadata metadata(SparkSession spark, String path) {
        try {
            return SparkCompat.loadMetadata(path, spark);
        } catch (Exception e) { // Scala throws SparkException and parse errors undeclared
            throw new IllegalArgumentException(
                    "cannot read the metadata of a saved stage at " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Sets the saved params on {@code stage}, skipping those it no longer declares (a model saved
     * by an earlier release may carry a param since removed).
     */
    public static void setParams(Params stage, DefaultParamsReader.Metadata md) {
        List<String> unknown = new ArrayList<>();
        try {
            JsonNode root = JSON.readTree(md.metadataJson());
            for (String map : new String[] {"paramMap", "defaultParamMap"}) {
                Iterator<String> names = root.path(map).fieldNames();
                while (names.hasNext()) {
                    String n = names.next();
                    if (!stage.hasParam(n) && !unknown.contains(n)) {
                        unknown.add(n);
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the metadata of " + stage.uid() + " is not JSON: " + e.getMessage(), e);
        }
        md.getAndSetParams(stage, Option.apply(ScalaCollections.toScala(unknown)));
    }

    private static void requireDirectories(SparkSession spark, String path, String what) {
        Path p = new Path(path);
        try {
            FileSystem fs = fs(spark, p);
            for (String part : new String[] {"metadata", DATA}) {
                if (!fs.exists(new Path(p, part))) {
                    throw new IllegalArgumentException(
                            path + " is not a saved " + what + ": it has no '" + part + "' directory");
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + what + " directory " + path + ": " + e.getMessage(), e);
        }
    }

    private static FileSystem fs(SparkSession spark, Path p) throws IOException {
        return p.getFileSystem(spark.sparkContext().hadoopConfiguration());
    }
}
