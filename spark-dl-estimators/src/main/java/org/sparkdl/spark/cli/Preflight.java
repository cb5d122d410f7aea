package org.sparkdl.spark.cli;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.spark.ml.preprocess.ImageTensorizer;

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
        requireParquet("--data", data);
        if (o.has("test")) {
            requireParquet("--test", o.get("test", null));
        }
    }

    /**
     * {@code --image-dir} (and {@code --test}) are folders of class sub-folders with the same
     * classes; {@code --channels} and {@code --image-size} are valid; no {@code --data} besides.
     */
    static void imageFolders(Options o) throws IOException {
        if (o.has("data")) {
            throw new IllegalArgumentException("give --data (Parquet or fashion-mnist) or --image-dir, not both");
        }
        boolean labelled = !o.command().equals("predict");
        List<String> classes = ImageFolders.classes("--image-dir", o.get("image-dir", null), labelled);
        if (o.has("test")) {
            List<String> test = ImageFolders.classes("--test", o.get("test", null), labelled);
            if (!test.equals(classes)) {
                throw new IllegalArgumentException("--test " + o.get("test", null) + " has the classes " + test
                        + " but --image-dir has " + classes + ": they must be the same sub-folders");
            }
        }
        String channels = o.get("channels", "rgb");
        if (!ImageTensorizer.ORDERS.contains(channels)) {
            throw new IllegalArgumentException("--channels " + channels + " is not one of " + ImageTensorizer.ORDERS);
        }
        if (o.has("image-size")) {
            imageSize(o);
        }
    }

    /** {@code --image-size H,W} as two positive integers. */
    static int[] imageSize(Options o) {
        String v = o.get("image-size", "");
        String[] hw = v.split(",");
        try {
            int h = Integer.parseInt(hw[0].trim());
            int w = hw.length == 2 ? Integer.parseInt(hw[1].trim()) : -1;
            if (h > 0 && w > 0) {
                return new int[] {h, w};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--image-size " + v + " must be a height and a width, e.g. 28,28");
    }

    static void requireExists(String flag, String path) throws IOException {
        Path p = new Path(path);
        if (!fs(p).exists(p)) {
            throw new IllegalArgumentException(flag + " " + path + " does not exist");
        }
    }

    /**
     * {@code path} exists and holds Parquet (a file starting with Parquet's magic {@code PAR1}, or a
     * directory with one, partition folders included); anything else is named, with what to use instead.
     */
    private static void requireParquet(String flag, String path) throws IOException {
        Path p = new Path(path);
        FileSystem fs = fs(p);
        if (!fs.exists(p)) {
            throw new IllegalArgumentException(flag + " " + path + " does not exist");
        }
        Deque<Path> folders = new ArrayDeque<>();
        folders.add(p);
        String other = null;
        int looked = 0;
        while (!folders.isEmpty() && looked < 1000) {
            Path next = folders.poll();
            FileStatus[] entries = fs.getFileStatus(next).isDirectory()
                    ? fs.listStatus(next)
                    : new FileStatus[] {fs.getFileStatus(next)};
            for (FileStatus f : entries) {
                String name = f.getPath().getName();
                if (name.startsWith("_") || name.startsWith(".")) {
                    continue;
                }
                looked++;
                if (f.isDirectory()) {
                    folders.add(f.getPath());
                } else if (isParquet(fs, f)) {
                    return;
                } else if (other == null) {
                    other = f.getPath().toString();
                }
            }
        }
        throw new IllegalArgumentException(flag + " " + path + " holds no Parquet data"
                + (other == null ? " (it is empty)" : " (it holds e.g. " + other + ")")
                + ": expected Parquet with a 'features' vector column"
                + (other != null && ImageFolders.isImage(other)
                        ? "; for a folder of images with one sub-folder per class use --image-dir"
                        : ""));
    }

    private static boolean isParquet(FileSystem fs, FileStatus f) throws IOException {
        if (f.getLen() < 8) {
            return false;
        }
        byte[] magic = new byte[4];
        try (var in = fs.open(f.getPath())) {
            in.readFully(magic);
        }
        return new String(magic, java.nio.charset.StandardCharsets.US_ASCII).equals("PAR1");
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

    /**
     * An output file: it must not exist unless {@code overwrite}, and never be a directory; its
     * directory must be writable (a probe file is written and removed there).
     */
    static void outputFile(String flag, String path, boolean overwrite) throws IOException {
        Path p = new Path(path);
        FileSystem fs = fs(p);
        if (fs.exists(p)) {
            if (fs.getFileStatus(p).isDirectory()) {
                throw new IllegalArgumentException(flag + " " + path + " is a directory; give a file name");
            }
            if (!overwrite) {
                throw new IllegalArgumentException(
                        flag + " " + path + " already exists; add --overwrite to replace it");
            }
        }
        Path dir = p.getParent() != null ? p.getParent() : p;
        if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
            throw new IllegalArgumentException(flag + " " + path + ": directory " + dir + " does not exist");
        }
        Path probe = new Path(dir, "_probe-" + UUID.randomUUID());
        try {
            fs.create(probe, false).close();
            fs.delete(probe, false);
        } catch (IOException e) {
            throw new IllegalArgumentException(flag + " " + path + " is not writable: " + e.getMessage(), e);
        }
    }

    private static FileSystem fs(Path p) throws IOException {
        return p.getFileSystem(new Configuration());
    }
}
