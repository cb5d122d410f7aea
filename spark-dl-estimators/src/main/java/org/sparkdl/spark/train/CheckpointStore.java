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
 * Training checkpoints under a Hadoop directory, in one sub-directory per identity (a hash of the
 * configuration and the data, {@code run-<hash>/}): a fit resumes only what the same configuration
 * trained on the same data, and fits of other data or configurations (the folds and param maps of
 * a {@code CrossValidator}) never see each other's checkpoints. In it, {@code epoch-00003/} holds
 * the task's state as a
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

    static final String RUN_PREFIX = "run-";

    private final SparkSession spark;
    private final Path base;
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
        this.base = new Path(dir);
        this.dir = new Path(base, RUN_PREFIX + identity(configuration, data));
        this.configuration = configuration;
        this.data = data;
    }

    /** 16 hex digits of a SHA-256 over configuration and data. */
    static String identity(String configuration, String data) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256")
                    .digest((configuration + "\n" + data).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h, 0, 8);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This fit's own directory under the checkpointDir. */
    String directory() {
        return dir.toString();
    }

    /**
     * Fails now, before any training, when the checkpointDir cannot be created or written: a probe
     * file is created and deleted.
     */
    static void requireWritable(SparkSession spark, String dir) {
        Path base = new Path(dir);
        Path probe = new Path(base, "_probe-" + UUID.randomUUID());
        try {
            FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(base) && !fs.getFileStatus(base).isDirectory()) {
                throw new IllegalArgumentException("checkpointDir " + dir + " is a file, not a directory");
            }
            Path created = null; // the topmost directory this check creates, removed again after it
            for (Path p = base; p != null && !fs.exists(p); p = p.getParent()) {
                created = p;
            }
            if (!fs.mkdirs(base)) {
                throw new IOException("mkdirs returned false");
            }
            fs.create(probe, false).close();
            fs.delete(created != null ? created : probe, true);
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException iae) {
                throw iae;
            }
            throw new IllegalArgumentException(
                    "checkpointDir " + dir + " is not writable: " + e.getMessage() + "; choose another directory", e);
        }
    }

    /** Drops this identity's checkpoints (checkpointPolicy overwrite). */
    void clear() {
        try {
            FileSystem fs = fs();
            if (fs.exists(dir)) {
                fs.delete(dir, true);
                LOG.info("spark-dl checkpointPolicy overwrite: removed {}", dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
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
                logOthers(fs);
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
                if (!configuration.equals(meta.get("configuration")) || !data.equals(meta.get("data"))) {
                    // Same 64-bit identity, other run: never resumed.
                    throw new IllegalArgumentException(s.getPath() + " holds a checkpoint of another configuration"
                            + " or data (" + meta.get("configuration") + "; " + meta.get("data") + ") than this fit ("
                            + configuration + "; " + data + "); use another checkpointDir");
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

    /** Says when the checkpointDir holds other runs' checkpoints, which this fit does not resume. */
    private void logOthers(FileSystem fs) throws IOException {
        if (!fs.exists(base)) {
            return;
        }
        List<String> others = new ArrayList<>();
        for (FileStatus s : fs.listStatus(base)) {
            if (s.isDirectory() && s.getPath().getName().startsWith(RUN_PREFIX)) {
                others.add(s.getPath().getName());
            }
        }
        if (!others.isEmpty()) {
            LOG.info(
                    "spark-dl: no checkpoint of this configuration and data under {}; it holds other runs' ({}),"
                            + " which are not resumed; starting from epoch 1",
                    base,
                    others);
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
