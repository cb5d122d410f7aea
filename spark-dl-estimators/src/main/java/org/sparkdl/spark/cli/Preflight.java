package org.sparkdl.spark.cli;

import java.io.IOException;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdl.datasets.FashionMnist;

/**
 * What a command checks before Spark starts, so that a mistake costs seconds and names the flag:
 * the master URL, the data, the row limit, and every output path (never replaced or deleted without
 * {@code --overwrite}, and writable).
 */
final class Preflight {
    /** The master URLs Spark accepts: local, local[N|*], local[N,F], local-cluster[..], spark://, yarn, k8s://, mesos://. */
    private static final Pattern MASTER = Pattern.compile(
            "local|local\\[(\\d+|\\*)(,\\d+)?]|local-cluster\\[\\d+, *\\d+, *\\d+]|spark://.+|yarn|k8s://.+|mesos://.+");

    private Preflight() {}

    static void master(Options o) {
        if (o.has("master") && !MASTER.matcher(o.get("master", null)).matches()) {
            throw new IllegalArgumentException("--master " + o.get("master", null)
                    + " is not a Spark master URL: expected local[N], spark://host:port, yarn or k8s://...");
        }
    }

    static void limit(Options o) {
        if (o.has("limit") && o.intValue("limit", 0) < 1) {
            throw new IllegalArgumentException(
                    "--limit " + o.get("limit", null) + " must be a positive number of rows (leave it out for all)");
        }
    }

    /** {@code --data} (and {@code --test}) exist; fashion-mnist has its files and no --test. */
    static void data(Options o, String fashion) throws IOException {
        String data = o.required("data");
        if (data.equals(fashion)) {
            if (o.has("test")) {
                throw new IllegalArgumentException(
                        "--test is for Parquet --data; --data " + fashion + " brings its own test split");
            }
            String dir = o.get("fashion-mnist-dir", FashionMnist.DEBIAN_DIR.toString());
            try {
                FashionMnist.requireFiles(java.nio.file.Path.of(dir));
            } catch (IOException e) {
                throw new IllegalArgumentException(
                        (o.has("fashion-mnist-dir") ? "--fashion-mnist-dir: " : "--data " + fashion + ": ")
                                + e.getMessage());
            }
            return;
        }
        requireExists("--data", data);
        if (o.has("test")) {
            requireExists("--test", o.get("test", null));
        }
    }

    private static void requireExists(String flag, String path) throws IOException {
        Path p = new Path(path);
        if (!fs(p).exists(p)) {
            throw new IllegalArgumentException(flag + " " + path + " does not exist");
        }
    }

    /**
     * An output directory: it must not exist, or be an empty directory, unless {@code overwrite};
     * either way it must be creatable and writable (a probe file is written and removed). Returns
     * whether it is empty (or new) now.
     */
    static boolean output(String flag, String path, boolean overwrite) throws IOException {
        Path p = new Path(path);
        FileSystem fs = fs(p);
        if (fs.exists(p)) {
            FileStatus st = fs.getFileStatus(p);
            if (!st.isDirectory()) {
                throw new IllegalArgumentException(flag + " " + path + " is an existing file"
                        + (overwrite ? "; --overwrite replaces directories only" : "; give a new or empty directory"));
            }
            int entries = fs.listStatus(p).length;
            if (entries > 0 && !overwrite) {
                throw new IllegalArgumentException(flag + " " + path + " already holds " + entries
                        + " entries; give a new or empty directory, or add --overwrite to replace it");
            }
        }
        Path probe = new Path(p, "_probe-" + UUID.randomUUID());
        boolean existed = fs.exists(p);
        try {
            fs.mkdirs(p);
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + path + " is not writable: " + e.getMessage(), e);
        }
        if (!existed) {
            fs.delete(p, false); // leave nothing behind if the command fails before writing
        }
        return !existed || fs.listStatus(p).length == 0;
    }

    private static FileSystem fs(Path p) throws IOException {
        return p.getFileSystem(new Configuration());
    }
}
