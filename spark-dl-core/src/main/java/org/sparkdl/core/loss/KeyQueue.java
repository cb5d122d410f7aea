package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * MoCo's queue of past keys: a ring buffer of {@code capacity} rows of {@code dim} floats, each key
 * stored L2-normalised ({@code k/max(‖k‖, 1e-8)}); once full, each new key overwrites the oldest.
 * The ring fills from row 0, so the filled rows are always rows {@code 0..size()-1} of
 * {@link #keys()} (in storage order, not age order, which does not matter to a loss).
 *
 * <p>For data-parallel persistence the whole state is a float vector of {@link #stateSize()}
 * values: the capacity×dim keys, then the fill count, then the write position (both exact as floats
 * since capacity ≤ 2^24).
 */
public final class KeyQueue {
    private static final int MAX_CAPACITY = 1 << 24;
    private final int capacity;
    private final int dim;
    private final float[] keys;
    private final float[] row;
    private final double[] norm = new double[1];
    private int size;
    private int position;

    public KeyQueue(int capacity, int dim) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("queue capacity must be in [1, 2^24], got " + capacity);
        }
        if (dim < 1) {
            throw new IllegalArgumentException("key dimension must be positive, got " + dim);
        }
        if ((long) capacity * dim > Integer.MAX_VALUE - 2) {
            throw new IllegalArgumentException("a queue of " + capacity + " keys of " + dim + " floats is too large");
        }
        this.capacity = capacity;
        this.dim = dim;
        this.keys = new float[capacity * dim];
        this.row = new float[dim];
    }

    /** Appends each row of {@code keys} [N, dim], normalised; the oldest entries are overwritten. */
    public void enqueue(Tensor batch) {
        if (batch.rank() != 2 || batch.dim(1) != dim) {
            throw new IllegalArgumentException(
                    "queue expects keys N x " + dim + ", got " + Shapes.describe(batch.shape()));
        }
        float[] src = batch.data();
        int n = batch.dim(0);
        int first = 0;
        if (n > capacity) { // only the last `capacity` rows survive, where writing them all would leave them
            first = n - capacity;
            position = (int) (((long) position + first) % capacity);
        }
        for (int r = first; r < n; r++) {
            System.arraycopy(src, r * dim, row, 0, dim);
            UnitRows.normalize(row, 1, dim, row, norm);
            System.arraycopy(row, 0, keys, position * dim, dim);
            position = (position + 1) % capacity;
            size = Math.min(size + 1, capacity);
        }
    }

    /** Number of filled entries, at most {@link #capacity()}. */
    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public int dim() {
        return dim;
    }

    /**
     * The queue's own array, capacity×dim: rows {@code 0..size()-1} are the filled keys, the rest
     * zeros. Read it; do not change it.
     */
    public float[] keys() {
        return keys;
    }

    /** {@code capacity·dim + 2}: the keys, the fill count and the write position. */
    public int stateSize() {
        return keys.length + 2;
    }

    public void copyStateTo(float[] dst, int offset) {
        checkRange(dst, offset);
        System.arraycopy(keys, 0, dst, offset, keys.length);
        dst[offset + keys.length] = size;
        dst[offset + keys.length + 1] = position;
    }

    public void loadState(float[] src, int offset) {
        checkRange(src, offset);
        float s = src[offset + keys.length];
        float p = src[offset + keys.length + 1];
        if (!(s >= 0 && s <= capacity) || s != Math.rint(s) || !(p >= 0 && p < capacity) || p != Math.rint(p)) {
            throw new IllegalArgumentException("queue state has fill count " + s + " and write position " + p
                    + "; expected integers in [0, " + capacity + "] and [0, " + capacity + ")");
        }
        if (s < capacity && p != s) {
            throw new IllegalArgumentException("queue state has fill count " + s + " but write position " + p
                    + "; a queue that is not full writes at its fill count");
        }
        System.arraycopy(src, offset, keys, 0, keys.length);
        size = (int) s;
        position = (int) p;
    }

    private void checkRange(float[] a, int offset) {
        if (offset < 0 || offset > a.length - stateSize()) {
            throw new IllegalArgumentException("queue state needs " + stateSize() + " floats at offset " + offset
                    + " but the array has " + a.length);
        }
    }
}
