package org.sparkdl.datasets;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST / Fashion-MNIST format), gzipped or not: a magic number whose third
 * byte is the element type (0x08, unsigned byte) and fourth the rank, then big-endian dimensions,
 * then the values. Truncated or foreign files fail with the path and what was wrong.
 */
public final class IdxReader {
    private IdxReader() {}

    /** The dimensions and unsigned-byte values of one IDX file. */
    public record IdxArray(int[] dims, byte[] values) {
        public int count() {
            return dims[0];
        }
    }

    public static IdxArray read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("IDX file " + path + " does not exist");
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
                DataInputStream in = new DataInputStream(maybeGunzip(raw))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new IOException(path + " is empty or truncated: no IDX header", e);
            }
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != 0x08) {
                throw new IOException(String.format(
                        "%s is not an unsigned-byte IDX file: magic 0x%08x, expected 0x0000080N", path, magic));
            }
            int rank = magic & 0xff;
            if (rank < 1 || rank > 4) {
                throw new IOException(path + ": IDX rank " + rank + " is not supported (expected 1 to 4)");
            }
            int[] dims = new int[rank];
            long total = 1;
            for (int i = 0; i < rank; i++) {
                dims[i] = in.readInt();
                if (dims[i] <= 0) {
                    throw new IOException(path + ": dimension " + i + " is " + dims[i]);
                }
                total *= dims[i];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw new IOException(path + ": " + total + " values do not fit in one array");
            }
            byte[] values = new byte[(int) total];
            try {
                in.readFully(values);
            } catch (EOFException e) {
                throw new IOException(path + " is truncated: the header promises " + total + " values", e);
            }
            if (in.read() != -1) {
                throw new IOException(path + " has data after the " + total + " values its header promises");
            }
            return new IdxArray(dims, values);
        }
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
