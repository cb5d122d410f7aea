package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Samples as named {@link Column}s of equal size: one partition's data packed once (features,
 * labels, token ids, a second view...), or one mini-batch gathered from it. No per-row objects in
 * the training loop.
 */
public final class DataBlock implements Serializable {
    private static final long serialVersionUID = 2L;

    private final Map<String, Column> columns;
    private final int size;

    public DataBlock(Map<String, Column> columns) {
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        int n = -1;
        for (Map.Entry<String, Column> e : this.columns.entrySet()) {
            if (n >= 0 && e.getValue().size() != n) {
                throw new IllegalArgumentException("column '" + e.getKey() + "' holds "
                        + e.getValue().size() + " samples but the others hold " + n);
            }
            n = e.getValue().size();
        }
        this.size = Math.max(n, 0);
    }

    /** A classification block: {@code features} n × {@code sampleSize} floats, {@code label} n floats. */
    public static DataBlock ofFeaturesAndLabels(float[] features, float[] labels, int sampleSize) {
        if (features.length != (long) labels.length * sampleSize) {
            throw new IllegalArgumentException("features hold " + features.length + " values, but " + labels.length
                    + " samples of " + sampleSize + " need " + (long) labels.length * sampleSize);
        }
        Map<String, Column> c = new LinkedHashMap<>();
        c.put(Columns.FEATURES, Column.floats(features, sampleSize));
        c.put(Columns.LABEL, Column.floats(labels, 1));
        return new DataBlock(c);
    }

    public int size() {
        return size;
    }

    /** Bytes the columns' values take in memory (packed columns count their packed bytes). */
    public long valueBytes() {
        long n = 0;
        for (Column c : columns.values()) {
            n += c.valueBytes();
        }
        return n;
    }

    public List<String> names() {
        return List.copyOf(columns.keySet());
    }

    public boolean has(String name) {
        return columns.containsKey(name);
    }

    public Column column(String name) {
        Column c = columns.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no column '" + name + "' in this block; it has " + columns.keySet());
        }
        return c;
    }

    /** A fixed-width float column as a batch tensor of shape N × {@code sampleShape}. */
    public Tensor tensor(String name, int[] sampleShape) {
        Column c = column(name);
        if (c.isRagged() || c.width() != Shapes.size(sampleShape)) {
            throw new IllegalArgumentException(
                    "column '" + name + "' (" + c + ") does not hold samples of shape " + Shapes.describe(sampleShape));
        }
        return Tensor.of(c.floats(), Shapes.withBatch(size, sampleShape));
    }

    /** Samples {@code order[from .. from+rows)} of every column, reusing {@code reuse}'s arrays where they fit. */
    DataBlock gather(int[] order, int from, int rows, DataBlock reuse) {
        Map<String, Column> out = new LinkedHashMap<>();
        for (Map.Entry<String, Column> e : columns.entrySet()) {
            Column old = reuse == null ? null : reuse.columns.get(e.getKey());
            out.put(e.getKey(), e.getValue().gather(order, from, rows, old));
        }
        return new DataBlock(out);
    }

    /**
     * A cheap fingerprint of the content: the size, and a hash of every column's values at every
     * {@code stride}-th sample. Checkpoints use it to refuse resuming on other data.
     */
    public long fingerprint(int stride) {
        long h = Seeds.mix(size, columns.size());
        for (Map.Entry<String, Column> e : columns.entrySet()) {
            h = Seeds.mix(h, e.getKey().hashCode());
            h = Seeds.mix(h, e.getValue().sampledHash(stride));
        }
        return h;
    }

    @Override
    public String toString() {
        return "DataBlock of " + size + " samples " + columns;
    }
}
