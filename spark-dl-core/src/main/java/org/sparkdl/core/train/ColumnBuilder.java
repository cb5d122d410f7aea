package org.sparkdl.core.train;

import java.util.Arrays;

/**
 * Grows one {@link Column} sample by sample while a partition is packed: amortised doubling of one
 * flat array (and the offsets of a variable-length column), then one trim, or the packing that a
 * float column's {@link FloatStorage} asks for.
 */
public final class ColumnBuilder {
    private final boolean floats;
    private final int width;
    private final FloatStorage storage;
    private float[] f = new float[0];
    private int[] i = new int[0];
    private int[] offsets;
    private int length;
    private int samples;

    private ColumnBuilder(boolean floats, int width, FloatStorage storage) {
        this.floats = floats;
        this.width = width;
        this.storage = storage;
        this.offsets = width == 0 ? new int[16] : null;
    }

    /** Samples of exactly {@code width} floats, held as 32-bit floats. */
    public static ColumnBuilder floats(int width) {
        return floats(width, FloatStorage.FLOAT32);
    }

    /** Samples of exactly {@code width} floats, held as {@code storage} says. */
    public static ColumnBuilder floats(int width, FloatStorage storage) {
        return new ColumnBuilder(true, requirePositive(width), storage);
    }

    /** Samples of exactly {@code width} ints. */
    public static ColumnBuilder ints(int width) {
        return new ColumnBuilder(false, requirePositive(width), FloatStorage.FLOAT32);
    }

    /** Samples of any number of ints (token sequences). */
    public static ColumnBuilder raggedInts() {
        return new ColumnBuilder(false, 0, FloatStorage.FLOAT32);
    }

    /** Samples of any number of floats (sequences of steps), held as {@code storage} says. */
    public static ColumnBuilder raggedFloats(FloatStorage storage) {
        return new ColumnBuilder(true, 0, storage);
    }

    /** Samples of any number of floats, held as 32-bit floats. */
    public static ColumnBuilder raggedFloats() {
        return raggedFloats(FloatStorage.FLOAT32);
    }

    private static int requirePositive(int width) {
        if (width <= 0) {
            throw new IllegalArgumentException("a fixed-width column needs width >= 1, got " + width);
        }
        return width;
    }

    public void add(float[] sample) {
        if (!floats) {
            throw new IllegalStateException("this column holds ints");
        }
        checkWidth(sample.length);
        ensure(sample.length);
        System.arraycopy(sample, 0, f, length, sample.length);
        advance(sample.length);
    }

    /** One single-float sample (a label). */
    public void add(float value) {
        add(new float[] {value});
    }

    public void add(int[] sample) {
        if (floats) {
            throw new IllegalStateException("this column holds floats");
        }
        checkWidth(sample.length);
        ensure(sample.length);
        System.arraycopy(sample, 0, i, length, sample.length);
        advance(sample.length);
    }

    public int size() {
        return samples;
    }

    public Column build() {
        int[] bounds = width == 0 ? Arrays.copyOf(offsets, samples + 1) : null;
        if (floats && storage != FloatStorage.FLOAT32 && length > 0) {
            Column packed = ByteCoding.code(f, length, width, bounds);
            if (packed != null) {
                return packed;
            }
            if (storage == FloatStorage.FLOAT16) {
                short[] h = new short[length];
                for (int j = 0; j < length; j++) {
                    h[j] = Half.fromFloat(f[j]);
                }
                return Column.halves(h, width, bounds);
            }
        }
        if (width == 0) {
            return floats
                    ? Column.raggedFloats(Arrays.copyOf(f, length), bounds)
                    : Column.raggedInts(Arrays.copyOf(i, length), bounds);
        }
        return floats ? Column.floats(Arrays.copyOf(f, length), width) : Column.ints(Arrays.copyOf(i, length), width);
    }

    private void checkWidth(int n) {
        if (width > 0 && n != width) {
            throw new IllegalArgumentException("sample has " + n + " values, the column takes " + width);
        }
    }

    private void ensure(int n) {
        int cap = floats ? f.length : i.length;
        if (length + n > cap) {
            int grown = Math.max(Math.max(64, length + n), Math.multiplyExact(cap, 2));
            if (floats) {
                f = Arrays.copyOf(f, grown);
            } else {
                i = Arrays.copyOf(i, grown);
            }
        }
        if (offsets != null && samples + 2 > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
    }

    private void advance(int n) {
        length += n;
        samples++;
        if (offsets != null) {
            offsets[samples] = length;
        }
    }
}
