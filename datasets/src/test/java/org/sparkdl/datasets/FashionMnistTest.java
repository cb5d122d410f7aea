package org.sparkdl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {
    @TempDir
    Path dir;

    private static byte[] idx(int rank, int[] dims, int values, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream o = gzip ? new GZIPOutputStream(bytes) : bytes;
                DataOutputStream out = new DataOutputStream(o)) {
            out.writeInt(0x0800 | rank);
            for (int d : dims) {
                out.writeInt(d);
            }
            for (int i = 0; i < values; i++) {
                out.writeByte(i % 10);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void readsGzippedAndPlainIdx() throws IOException {
        Files.write(dir.resolve("a.gz"), idx(3, new int[] {2, 3, 4}, 24, true));
        Files.write(dir.resolve("b"), idx(1, new int[] {5}, 5, false));
        IdxReader.IdxArray a = IdxReader.read(dir.resolve("a.gz"));
        assertEquals(2, a.count());
        assertEquals(24, a.values().length);
        assertEquals(3, a.values()[13]);
        assertEquals(5, IdxReader.read(dir.resolve("b")).values().length);
    }

    @Test
    void truncatedOrForeignFilesFailClearly() throws IOException {
        byte[] full = idx(3, new int[] {2, 3, 4}, 24, false);
        Files.write(dir.resolve("short"), java.util.Arrays.copyOf(full, full.length - 3));
        var e = assertThrows(IOException.class, () -> IdxReader.read(dir.resolve("short")));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.writeString(dir.resolve("text"), "hello, this is not IDX");
        e = assertThrows(IOException.class, () -> IdxReader.read(dir.resolve("text")));
        assertTrue(e.getMessage().contains("not an unsigned-byte IDX"), e.getMessage());
        Files.write(dir.resolve("long"), java.util.Arrays.copyOf(full, full.length + 2));
        e = assertThrows(IOException.class, () -> IdxReader.read(dir.resolve("long")));
        assertTrue(e.getMessage().contains("after"), e.getMessage());
        e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("t10k-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void wrongImageCountIsReported() throws IOException {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), idx(3, new int[] {3, 28, 28}, 3 * 784, false));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), idx(1, new int[] {3}, 3, false));
        var e = assertThrows(IOException.class, () -> FashionMnist.load(dir, FashionMnist.Split.TEST));
        assertTrue(e.getMessage().contains("expected 10000"), e.getMessage());
    }

    @Test
    void realTestSetWhenInstalled() throws IOException {
        Assumptions.assumeTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        FashionMnist.Images test = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST);
        assertEquals(10_000, test.size());
        int[] perClass = new int[10];
        for (int y : test.labels()) {
            perClass[y]++;
        }
        for (int c : perClass) {
            assertEquals(1000, c); // the published test set is balanced
        }
        float max = 0;
        for (float p : test.pixels()) {
            max = Math.max(max, p);
        }
        assertEquals(1f, max);
    }
}
