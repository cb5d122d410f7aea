package org.sparkdl.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fashion-MNIST (Xiao et al. 2017): 60,000 training and 10,000 test images, 28×28 grey, 10
 * classes. Reads the IDX files of Debian's {@code dataset-fashion-mnist} package or a directory
 * the user gives, with names as published ({@code train-images-idx3-ubyte[.gz]}, ...).
 */
public final class FashionMnist {
    /** Where {@code apt-get install dataset-fashion-mnist} puts the files. */
    public static final Path DEBIAN_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    public static final int ROWS = 28;
    public static final int COLS = 28;
    public static final int PIXELS = ROWS * COLS;
    public static final int CLASSES = 10;
    public static final String[] CLASS_NAMES = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    private FashionMnist() {}

    /** Which half of the data set. */
    public enum Split {
        TRAIN("train", 60_000),
        TEST("t10k", 10_000);

        private final String prefix;
        private final int size;

        Split(String prefix, int size) {
            this.prefix = prefix;
            this.size = size;
        }

        public int size() {
            return size;
        }
    }

    /** Pixels scaled to [0, 1], n × 784 row-major; labels 0..9. */
    public record Images(float[] pixels, int[] labels) {
        public int size() {
            return labels.length;
        }

        /** The first {@code n} images. */
        public Images head(int n) {
            return slice(0, Math.min(n, size()));
        }

        /** Images {@code from} (inclusive) to {@code to} (exclusive). */
        public Images slice(int from, int to) {
            if (from < 0 || to > size() || from > to) {
                throw new IllegalArgumentException("images " + from + " to " + to + " of " + size());
            }
            return new Images(
                    java.util.Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS),
                    java.util.Arrays.copyOfRange(labels, from, to));
        }

        public float[] labelsAsFloats() {
            float[] f = new float[labels.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = labels[i];
            }
            return f;
        }
    }

    public static Images load(Path dir, Split split) throws IOException {
        IdxReader.IdxArray images = IdxReader.read(find(dir, split.prefix + "-images-idx3-ubyte"));
        IdxReader.IdxArray labels = IdxReader.read(find(dir, split.prefix + "-labels-idx1-ubyte"));
        int[] d = images.dims();
        if (d.length != 3 || d[1] != ROWS || d[2] != COLS) {
            throw new IOException("Fashion-MNIST images in " + dir + " have shape " + java.util.Arrays.toString(d)
                    + ", expected [n, 28, 28]");
        }
        if (d[0] != split.size || labels.count() != split.size || labels.dims().length != 1) {
            throw new IOException("Fashion-MNIST " + split + " in " + dir + " holds " + d[0] + " images and "
                    + labels.count() + " labels, expected " + split.size + " of each");
        }
        float[] pixels = new float[images.values().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (images.values()[i] & 0xff) / 255f;
        }
        int[] y = new int[labels.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = labels.values()[i] & 0xff;
            if (y[i] >= CLASSES) {
                throw new IOException("Fashion-MNIST label " + y[i] + " at " + i + " in " + dir + " is not in 0..9");
            }
        }
        return new Images(pixels, y);
    }

    /** Fails, naming the missing file, unless {@code dir} holds both splits' images and labels. */
    public static void requireFiles(Path dir) throws IOException {
        for (Split split : Split.values()) {
            find(dir, split.prefix + "-images-idx3-ubyte");
            find(dir, split.prefix + "-labels-idx1-ubyte");
        }
    }

    private static Path find(Path dir, String base) throws IOException {
        for (String name : new String[] {base + ".gz", base}) {
            Path p = dir.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("Fashion-MNIST file " + base + "[.gz] not found in " + dir
                + (dir.equals(DEBIAN_DIR) ? " (apt-get install dataset-fashion-mnist)" : ""));
    }
}
