package org.sparkdl.spark.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.TaskState;
import org.sparkdl.spark.persist.TensorTable;

/**
 * Training checkpoints under a Hadoop directory: {@code epoch-00003/} holds the task's state as a
 * {@link TensorTable} (a tensor per slot, {@code slot.<name>}; per partition for LOCAL slots,
 * {@code local.<partition>.<name>}; the best epoch's state as {@code best.<name>} under early
 * stopping) and {@code checkpoint.json} (epoch, configuration and data identity, the summary so
 * far). Each is written under a {@code _tmp-} name, {@code checkpoint.json} last, then renamed:
 * a checkpoint cut short by a crash is never taken for a good one.
 */
final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "epoch-";
    static final String MARKER = "checkpoint.json";
    private static final int KEEP = 2;

    private final SparkSession spark;
    private final Path dir;
    private final String configuration;
    private final String data;

    /** The best epoch so far under early stopping: its number, metric and state. */
    record Best(int epoch, double value, TaskState state) {}

    /** A restored checkpoint. */
    record Restored(int epochsDone, TaskState state, List<TrainingSummary.Epoch> epochs, Best best) {}

    /**
     * @param configuration what must match to resume: the task's and the plan's keys
     * @param data the data's identity: sizes and fingerprint
     */
    CheckpointStore(SparkSession spark, String dir, String configuration, String data) {
        this.spark = spark;
        this.dir = new Path(dir);
        this.configuration = configuration;
        this.data = data;
    }

    String directory() {
        return dir.toString();
    }

    private FileSystem fs() throws IOException {
        return dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    }

    void save(int epochsDone, TaskState state, List<TrainingSummary.Epoch> epochs, Best best) {
        try {
            FileSystem fs = fs();
            fs.mkdirs(dir);
            String name = PREFIX + String.format("%05d", epochsDone);
            Path tmp = new Path(dir, "_tmp-" + name + "-" + UUID.randomUUID());
            List<TensorTable.Entry> tensors = tensors(state, "slot.");
            if (best != null) {
                tensors.addAll(tensors(best.state(), "best."));
            }
            TensorTable.write(spark, new Path(tmp, "state").toString(), tensors);
            Map<String, Object> meta = new LinkedHashMap<>();
            meta.put("epoch", epochsDone);
            meta.put("configuration", configuration);
            meta.put("data", data);
            meta.put("epochs", epochs);
            if (best != null) {
                meta.put("bestEpoch", best.epoch());
                meta.put("bestValue", best.value());
            }
            try (OutputStream out = fs.create(new Path(tmp, MARKER), false)) {
                JSON.writeValue(out, meta);
            }
            Path done = new Path(dir, name);
            if (fs.exists(done)) {
                fs.delete(done, true);
            }
            if (!fs.rename(tmp, done)) {
                throw new IOException("could not rename " + tmp + " to " + done);
            }
            LOG.info("spark-dl checkpoint written: {} (after epoch {})", done, epochsDone);
            prune(fs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint under " + dir, e);
        }
    }

    private static List<TensorTable.Entry> tensors(TaskState state, String prefix) {
        List<TensorTable.Entry> out = new ArrayList<>();
        StateLayout layout = state.layout();
        for (StateSlot s : layout.slots()) {
            float[] v = state.get(s.name());
            out.add(new TensorTable.Entry(prefix + s.name(), new int[] {v.length}, v));
        }
        state.localValues().forEach((p, values) -> {
            for (int i = 0; i < values.length; i++) {
                if (layout.slot(i).rule() == MergeRule.LOCAL) {
                    out.add(new TensorTable.Entry(
                            prefix + "local." + p + "." + layout.slot(i).name(),
                            new int[] {values[i].length},
                            values[i]));
                }
            }
        });
        return out;
    }

    private static TaskState state(StateLayout layout, Map<String, TensorTable.Entry> table, String prefix) {
        float[][] values = new float[layout.count()][];
        Map<Integer, float[][]> local = new HashMap<>();
        for (int i = 0; i < layout.count(); i++) {
            StateSlot s = layout.slot(i);
            TensorTable.Entry e = table.get(prefix + s.name());
            if (e == null || e.values().length != s.size()) {
                return null;
            }
            values[i] = e.values();
        }
        String localPrefix = prefix + "local.";
        for (TensorTable.Entry e : table.values()) {
            if (e.name().startsWith(localPrefix)) {
                String rest = e.name().substring(localPrefix.length());
                int dot = rest.indexOf('.');
                int p = Integer.parseInt(rest.substring(0, dot));
                int slot = layout.indexOf(rest.substring(dot + 1));
                local.computeIfAbsent(p, k -> new float[layout.count()][])[slot] = e.values();
            }
        }
        return TaskState.of(layout, values, local);
    }

    /**
     * The newest complete checkpoint, if any. One of another configuration or other data is
     * refused: resuming it would return a model trained on something else.
     */
    Optional<Restored> latest(StateLayout layout) {
        try {
            FileSystem fs = fs();
            if (!fs.exists(dir)) {
                return Optional.empty();
            }
            for (FileStatus s : complete(fs)) {
                Map<String, Object> meta;
                try (InputStream in = fs.open(new Path(s.getPath(), MARKER))) {
                    meta = JSON.readValue(in, new TypeReference<Map<String, Object>>() {});
                } catch (IOException e) {
                    LOG.warn("spark-dl ignores unreadable checkpoint {}: {}", s.getPath(), e.getMessage());
                    continue;
                }
                if (!configuration.equals(meta.get("configuration"))) {
                    throw new IllegalArgumentException("checkpointDir " + dir + " holds a checkpoint of a different"
                            + " model or configuration (" + meta.get("configuration") + "); use another directory");
                }
                if (!data.equals(meta.get("data"))) {
                    throw new IllegalArgumentException("checkpointDir " + dir + " holds a checkpoint trained on other"
                            + " data (" + meta.get("data") + ", this fit has " + data + "); use another directory");
                }
                Map<String, TensorTable.Entry> table =
                        TensorTable.read(spark, new Path(s.getPath(), "state").toString());
                TaskState state = state(layout, table, "slot.");
                if (state == null) {
                    LOG.warn("spark-dl ignores checkpoint {}: its state does not match the task's", s.getPath());
                    continue;
                }
                List<TrainingSummary.Epoch> epochs =
                        JSON.convertValue(meta.get("epochs"), new TypeReference<List<TrainingSummary.Epoch>>() {});
                Best best = null;
                if (meta.containsKey("bestEpoch")) {
                    best = new Best(
                            ((Number) meta.get("bestEpoch")).intValue(),
                            ((Number) meta.get("bestValue")).doubleValue(),
                            state(layout, table, "best."));
                }
                return Optional.of(new Restored(((Number) meta.get("epoch")).intValue(), state, epochs, best));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoints under " + dir, e);
        }
    }

    /** Complete checkpoints (renamed, with a marker), newest first. */
    private List<FileStatus> complete(FileSystem fs) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isDirectory()
                    && s.getPath().getName().startsWith(PREFIX)
                    && fs.exists(new Path(s.getPath(), MARKER))) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing((FileStatus s) -> s.getPath().getName()).reversed());
        return out;
    }

    private void prune(FileSystem fs) throws IOException {
        List<FileStatus> all = complete(fs);
        for (int i = KEEP; i < all.size(); i++) {
            fs.delete(all.get(i).getPath(), true);
        }
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.getPath().getName().startsWith("_tmp-")) {
                fs.delete(s.getPath(), true); // left by a crashed run: never read, safe to drop
            }
        }
    }
}
