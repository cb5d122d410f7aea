package org.sparkdl.core.train;

import java.io.Serializable;

/**
 * One named input of a {@link DataBlock}: {@code size} samples of {@code float} or {@code int}
 * values (pixels, labels, token ids), each sample either of a fixed {@code width} or of its own
 * length (then {@code offsets[i] .. offsets[i+1]} delimit sample i in one flat array: sequences).
 * One flat primitive array per column, so a partition of any size is a handful of objects.
 *
 * <p>A float column may be packed ({@link FloatStorage}): one byte per value indexing a table of
 * at most 256 floats, or half-precision floats. {@link #gather} turns packed values into 32-bit
 * floats one mini-batch at a time, so a cached partition costs a quarter or half of its floats.
 */
public final class Column implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code float[]}, {@code int[]}, {@code byte[]} (codes into {@link #table}) or {@code short[]} (halves). */
    private final Object values;

    /** The floats that a byte column's codes stand for; null for any other column. */
    private final float[] table;

    private final int width;
    private final int[] offsets;
    private final int size;

    private Column(Object values, int width, int[] offsets, int size) {
        this(values, null, width, offsets, size);
    }

    private Column(Object values, float[] table, int width, int[] offsets, int size) {
        this.values = values;
        this.table = table;
        this.width = width;
        this.offsets = offsets;
        this.size = size;
    }

    /** {@code values.length / width} samples of {@code width} floats each. */
    public static Column floats(float[] values, int width) {
        return fixed(values, values.length, width);
    }

    /** {@code values.length / width} samples of {@code width} ints each. */
    public static Column ints(int[] values, int width) {
        return fixed(values, values.length, width);
    }

    /** Variable-length int samples (token sequences): sample i is {@code values[offsets[i] .. offsets[i+1])}. */
    public static Column raggedInts(int[] values, int[] offsets) {
        return ragged(values, values.length, offsets);
    }

    /** Variable-length float samples: sample i is {@code values[offsets[i] .. offsets[i+1])}. */
    public static Column raggedFloats(float[] values, int[] offsets) {
        return ragged(values, values.length, offsets);
    }

    /**
     * Float samples stored as one byte per value: value j is {@code table[codes[j] & 0xFF]}. With
     * {@code offsets} null the samples are {@code width} values each, else variable-length.
     */
    public static Column coded(byte[] codes, float[] table, int width, int[] offsets) {
        if (table.length == 0 || table.length > 256) {
            throw new IllegalArgumentException("a byte column's table holds 1 to 256 values, got " + table.length);
        }
        Column c = offsets == null ? fixed(codes, codes.length, width) : ragged(codes, codes.length, offsets);
        return new Column(codes, table.clone(), c.width, c.offsets, c.size);
    }

    /** Float samples stored as IEEE half-precision values; {@code offsets} as for {@link #coded}. */
    public static Column halves(short[] values, int width, int[] offsets) {
        return offsets == null ? fixed(values, values.length, width) : ragged(values, values.length, offsets);
    }

    private static Column fixed(Object values, int length, int width) {
        if (width <= 0 || length % width != 0) {
            throw new IllegalArgumentException(
                    "a column of width " + width + " cannot hold " + length + " values: not a whole number of samples");
        }
        return new Column(values, width, null, length / width);
    }

    private static Column ragged(Object values, int length, int[] offsets) {
        if (offsets.length == 0 || offsets[0] != 0 || offsets[offsets.length - 1] != length) {
            throw new IllegalArgumentException("offsets must run from 0 to the " + length + " values, got "
                    + (offsets.length == 0 ? "none" : offsets[0] + " .. " + offsets[offsets.length - 1]));
        }
        for (int i = 1; i < offsets.length; i++) {
            if (offsets[i] < offsets[i - 1]) {
                throw new IllegalArgumentException("offsets decrease at sample " + (i - 1));
            }
        }
        return new Column(values, 0, offsets.clone(), offsets.length - 1);
    }

    public int size() {
        return size;
    }

    public boolean isRagged() {
        return offsets != null;
    }

    /** Float values, whether held as floats or packed. */
    public boolean isFloat() {
        return !(values instanceof int[]);
    }

    /** Bytes the values take in memory: 4, 2 or 1 per value (and a byte column's table). */
    public long valueBytes() {
        if (values instanceof byte[] b) {
            return b.length + table.length * (long) Float.BYTES;
        }
        return values instanceof short[] h ? h.length * 2L : lengthOf(values) * 4L;
    }

    /** Values per sample of a fixed-width column; 0 for a ragged one. */
    public int width() {
        return width;
    }

    /** The values as floats: the array itself, or a decoded copy of a packed column. */
    public float[] floats() {
        if (values instanceof float[] f) {
            return f;
        }
        if (values instanceof int[]) {
            throw new IllegalStateException("this column holds ints, not floats");
        }
        float[] out = new float[lengthOf(values)];
        decode(0, out, 0, out.length);
        return out;
    }

    public int[] ints() {
        if (values instanceof int[] i) {
            return i;
        }
        throw new IllegalStateException("this column holds floats, not ints");
    }

    /** Where sample i starts in the flat array. */
    public int start(int i) {
        return offsets == null ? i * width : offsets[i];
    }

    /** Values in sample i. */
    public int length(int i) {
        return offsets == null ? width : offsets[i + 1] - offsets[i];
    }

    /** Ragged columns' sample bounds (a copy), size + 1 values. */
    public int[] offsets() {
        if (offsets == null) {
            throw new IllegalStateException("a fixed-width column has no offsets");
        }
        return offsets.clone();
    }

    /**
     * Samples {@code order[from .. from+rows)} gathered into one new column, reusing {@code reuse}'s
     * arrays when they have the right size (mini-batches of an epoch allocate nothing after the
     * first).
     */
    Column gather(int[] order, int from, int rows, Column reuse) {
        int total = 0;
        for (int i = 0; i < rows; i++) {
            total += length(order[from + i]);
        }
        boolean ints = values instanceof int[]; // any other column, packed or not, gathers to floats
        boolean fits = reuse != null
                && (ints ? reuse.values instanceof int[] : reuse.values instanceof float[])
                && lengthOf(reuse.values) == total;
        Object dst = fits ? reuse.values : (ints ? new int[total] : new float[total]);
        int[] dstOffsets = null;
        if (offsets != null) {
            dstOffsets = reuse != null && reuse.offsets != null && reuse.offsets.length == rows + 1
                    ? reuse.offsets
                    : new int[rows + 1];
        }
        int at = 0;
        for (int i = 0; i < rows; i++) {
            int s = order[from + i];
            int n = length(s);
            if (values instanceof float[] || values instanceof int[]) {
                System.arraycopy(values, start(s), dst, at, n);
            } else {
                decode(start(s), (float[]) dst, at, n);
            }
            at += n;
            if (dstOffsets != null) {
                dstOffsets[i + 1] = at;
            }
        }
        return new Column(dst, width, dstOffsets, rows);
    }

    /** Packed values {@code [from, from+n)} into {@code dst[at ..]} as floats. */
    private void decode(int from, float[] dst, int at, int n) {
        if (values instanceof byte[] codes) {
            for (int j = 0; j < n; j++) {
                dst[at + j] = table[codes[from + j] & 0xFF];
            }
        } else {
            short[] h = (short[]) values;
            for (int j = 0; j < n; j++) {
                dst[at + j] = Half.toFloat(h[from + j]);
            }
        }
    }

    /** Value j as the bits of its float, or the int itself. */
    private int bitsAt(int j) {
        if (values instanceof float[] f) {
            return Float.floatToIntBits(f[j]);
        }
        if (values instanceof int[] i) {
            return i[j];
        }
        if (values instanceof byte[] b) {
            return Float.floatToIntBits(table[b[j] & 0xFF]);
        }
        return Float.floatToIntBits(Half.toFloat(((short[]) values)[j]));
    }

    /** A hash of samples 0, stride, 2·stride, ...: a cheap fingerprint of the column's content. */
    long sampledHash(int stride) {
        long h = size * 31L + width;
        for (int i = 0; i < size; i += stride) {
            int s = start(i);
            int n = length(i);
            for (int j = 0; j < n; j++) {
                h = Seeds.mix(h, bitsAt(s + j)); // a packed value hashes as its float: storage-independent
            }
        }
        return h;
    }

    private static int lengthOf(Object array) {
        return java.lang.reflect.Array.getLength(array);
    }

    @Override
    public String toString() {
        String kind = values instanceof byte[]
                ? "byte-coded float"
                : values instanceof short[] ? "half-float" : isFloat() ? "float" : "int";
        return kind + " column of " + size + " samples" + (offsets == null ? " of " + width : " of variable length");
    }
}
