package org.sparkdl.core.train;

import java.io.Serializable;

/**
 * One named input of a {@link DataBlock}: {@code size} samples of {@code float} or {@code int}
 * values (pixels, labels, token ids), each sample either of a fixed {@code width} or of its own
 * length (then {@code offsets[i] .. offsets[i+1]} delimit sample i in one flat array: sequences).
 * One flat primitive array per column, so a partition of any size is a handful of objects.
 */
public final class Column implements Serializable {
    private static final long serialVersionUID = 1L;

    /** {@code float[]} or {@code int[]}. */
    private final Object values;

    private final int width;
    private final int[] offsets;
    private final int size;

    private Column(Object values, int width, int[] offsets, int size) {
        this.values = values;
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

    public boolean isFloat() {
        return values instanceof float[];
    }

    /** Values per sample of a fixed-width column; 0 for a ragged one. */
    public int width() {
        return width;
    }

    public float[] floats() {
        if (values instanceof float[] f) {
            return f;
        }
        throw new IllegalStateException("this column holds ints, not floats");
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
        Object dst = reuse != null && reuse.values.getClass() == values.getClass() && lengthOf(reuse.values) == total
                ? reuse.values
                : (values instanceof float[] ? new float[total] : new int[total]);
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
            System.arraycopy(values, start(s), dst, at, n);
            at += n;
            if (dstOffsets != null) {
                dstOffsets[i + 1] = at;
            }
        }
        return new Column(dst, width, dstOffsets, rows);
    }

    /** A hash of samples 0, stride, 2·stride, ...: a cheap fingerprint of the column's content. */
    long sampledHash(int stride) {
        long h = size * 31L + width;
        for (int i = 0; i < size; i += stride) {
            int s = start(i);
            int n = length(i);
            for (int j = 0; j < n; j++) {
                int bits = values instanceof float[] f ? Float.floatToIntBits(f[s + j]) : ((int[]) values)[s + j];
                h = Seeds.mix(h, bits);
            }
        }
        return h;
    }

    private static int lengthOf(Object array) {
        return array instanceof float[] f ? f.length : ((int[]) array).length;
    }

    @Override
    public String toString() {
        return (isFloat() ? "float" : "int") + " column of " + size + " samples"
                + (offsets == null ? " of " + width : " of variable length");
    }
}
