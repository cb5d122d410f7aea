package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state that travels between the driver and the partitions: one array per {@link StateSlot}
 * of a {@link StateLayout}, and for {@link MergeRule#LOCAL} slots one array per partition (a
 * partition that has not trained yet starts from the slot's initial value). Immutable: a round
 * makes a new one ({@link #apply}); the arrays are never written after construction, which
 * matters because in local mode a broadcast value is the driver's own object.
 */
public final class TaskState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final StateLayout layout;
    private final PackedFloats[] values;
    private final TreeMap<Integer, PackedFloats[]> local;

    private TaskState(StateLayout layout, PackedFloats[] values, TreeMap<Integer, PackedFloats[]> local) {
        this.layout = layout;
        this.values = values;
        this.local = local;
    }

    /** A state with {@code values} (one array per slot, not copied) and no partition's LOCAL values yet. */
    public static TaskState of(StateLayout layout, float[][] values) {
        return of(layout, values, Map.of());
    }

    /** A state with shared values and each partition's LOCAL slot values (arrays not copied). */
    public static TaskState of(StateLayout layout, float[][] values, Map<Integer, float[][]> localValues) {
        check(layout, values, "state");
        TreeMap<Integer, PackedFloats[]> local = new TreeMap<>();
        localValues.forEach((p, v) -> {
            check(layout, v, "partition " + p + "'s state");
            local.put(p, pack(v));
        });
        return new TaskState(layout, pack(values), local);
    }

    private static void check(StateLayout layout, float[][] values, String what) {
        if (values.length != layout.count()) {
            throw new IllegalArgumentException(
                    what + " has " + values.length + " slots but the layout has " + layout.count());
        }
        for (int i = 0; i < values.length; i++) {
            StateSlot s = layout.slot(i);
            if (values[i] != null && values[i].length != s.size()) {
                throw new IllegalArgumentException(
                        what + ": slot '" + s.name() + "' has " + values[i].length + " values but needs " + s.size());
            }
        }
    }

    static PackedFloats[] pack(float[][] arrays) {
        PackedFloats[] p = new PackedFloats[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            p[i] = new PackedFloats(arrays[i]);
        }
        return p;
    }

    public StateLayout layout() {
        return layout;
    }

    /** Slot {@code name}'s value (for a LOCAL slot: its initial value). Do not modify. */
    public float[] get(String name) {
        return values[layout.indexOf(name)].values();
    }

    /** Each partition's values of the LOCAL slots (null for other slots). Do not modify. */
    public Map<Integer, float[][]> localValues() {
        Map<Integer, float[][]> out = new TreeMap<>();
        local.forEach((p, v) -> out.put(p, unpack(v)));
        return Collections.unmodifiableMap(out);
    }

    /**
     * What partition {@code partition} loads, without copying: every shared slot, and its own LOCAL
     * slots (their initial value when it has none yet). The arrays are this state's: read them,
     * never write them ({@link TrainingTask#loadState} copies what it keeps).
     */
    public float[][] view(int partition) {
        PackedFloats[] own = local.get(partition);
        float[][] out = new float[values.length][];
        for (int i = 0; i < out.length; i++) {
            out[i] = layout.slot(i).rule() == MergeRule.LOCAL && own != null ? own[i].values() : values[i].values();
        }
        return out;
    }

    /**
     * Copies of what partition {@code partition} loads: every shared slot, and its own LOCAL slots
     * (their initial value when it has none yet). Copies, so a replica may train in place.
     */
    public float[][] forPartition(int partition) {
        float[][] out = view(partition);
        for (int i = 0; i < out.length; i++) {
            out[i] = out[i].clone();
        }
        return out;
    }

    /** The state after a round: averaged slots replaced, summed slots advanced, LOCAL values updated. */
    public TaskState apply(RoundResult merged) {
        if (merged == null || merged.weight() == 0) {
            return this;
        }
        PackedFloats[] next = values.clone();
        float[][] r = merged.values();
        for (int i = 0; i < next.length; i++) {
            switch (layout.slot(i).rule()) {
                case AVERAGE -> next[i] = new PackedFloats(r[i]);
                case SUM -> {
                    float[] sum = values[i].values().clone();
                    for (int j = 0; j < sum.length; j++) {
                        sum[j] += r[i][j];
                    }
                    next[i] = new PackedFloats(sum);
                }
                case LOCAL -> {
                    // the initial value stays: partitions that never trained still start from it
                }
            }
        }
        TreeMap<Integer, PackedFloats[]> nextLocal = new TreeMap<>(local);
        merged.localValues().forEach((p, v) -> nextLocal.put(p, pack(v)));
        return new TaskState(layout, next, nextLocal);
    }

    static float[][] unpack(PackedFloats[] p) {
        float[][] out = new float[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i].values();
        }
        return out;
    }
}
