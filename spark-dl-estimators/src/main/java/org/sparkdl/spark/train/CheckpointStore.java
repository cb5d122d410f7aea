package org.sparkdl.spark.train;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
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
import org.sparkdl.spark.ml.CNNTrainingSummary;
import org.sparkdl.spark.persist.TensorTable;

/**
 * Training checkpoints under a Hadoop directory: {@code epoch-00003/} holds the model and optimizer
 * state as a {@link TensorTable} and {@code checkpoint.json} (epoch, configuration fingerprint,
 * the summary so far). Each is written under a {@code _tmp-} name, {@code checkpoint.json} last,
 * then renamed: a checkpoint cut short by a crash is never taken for a good one.
 */
final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PREFIX = "epoch-";
    static final String MARKER = "checkpoint.json";
    private static final int KEEP = 2;

    private final SparkSession spark;
    private final Path dir;
    private final String fingerprint;

    /** A restored checkpoint. */
    record Restored(int epochsDone, float[] state, List<CNNTrainingSummary.Epoch> epochs) {}

    CheckpointStore(SparkSession spark, String dir, String fingerprint) {
        this.spark = spark;
        this.dir = new Path(dir);
        this.fingerprint = fingerprint;
    }

    private FileSystem fs() throws IOException {
        return dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    }

    void save(int epochsDone, float[] state, List<CNNTrainingSummary.Epoch> epochs) {
        try {
            FileSystem fs = fs();
            fs.mkdirs(dir);
            String name = PREFIX + String.format("%05d", epochsDone);
            Path tmp = new Path(dir, "_tmp-" + name + "-" + UUID.randomUUID());
            TensorTable.write(
                    spark,
                    new Path(tmp, "state").toString(),
                    List.of(new TensorTable.Entry("state", new int[] {state.length}, state)));
            try (OutputStream out = fs.create(new Path(tmp, MARKER), false)) {
                JSON.writeValue(
                        out,
                        Map.of(
                                "epoch",
                                epochsDone,
                                "fingerprint",
                                fingerprint,
                                "stateSize",
                                state.length,
                                "epochs",
                                epochs));
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

    /** The newest complete checkpoint of this configuration, if any. */
    Optional<Restored> latest() {
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
                if (!fingerprint.equals(meta.get("fingerprint"))) {
                    throw new IllegalArgumentException("checkpointDir " + dir + " holds a checkpoint of a different"
                            + " model or configuration (" + meta.get("fingerprint") + "); use another directory");
                }
                Map<String, TensorTable.Entry> table =
                        TensorTable.read(spark, new Path(s.getPath(), "state").toString());
                TensorTable.Entry st = table.get("state");
                int size = ((Number) meta.get("stateSize")).intValue();
                if (st == null || st.values().length != size) {
                    LOG.warn("spark-dl ignores checkpoint {}: its state does not match its metadata", s.getPath());
                    continue;
                }
                List<CNNTrainingSummary.Epoch> epochs =
                        JSON.convertValue(meta.get("epochs"), new TypeReference<List<CNNTrainingSummary.Epoch>>() {});
                return Optional.of(new Restored(((Number) meta.get("epoch")).intValue(), st.values(), epochs));
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
