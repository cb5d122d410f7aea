package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A task's state as an ordered list of named slots, each with its merge rule. */
public record StateLayout(List<StateSlot> slots) implements Serializable {
    private static final long serialVersionUID = 1L;

    public StateLayout {
        slots = List.copyOf(slots);
        Set<String> seen = new HashSet<>();
        for (StateSlot s : slots) {
            if (!seen.add(s.name())) {
                throw new IllegalArgumentException("state slot '" + s.name() + "' is declared twice");
            }
        }
    }

    public static StateLayout of(StateSlot... slots) {
        return new StateLayout(List.of(slots));
    }

    public int count() {
        return slots.size();
    }

    public StateSlot slot(int i) {
        return slots.get(i);
    }

    public int indexOf(String name) {
        for (int i = 0; i < slots.size(); i++) {
            if (slots.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no state slot '" + name + "'; the slots are " + slots);
    }

    /** Arrays of each slot's size, zeroed. */
    public float[][] newArrays() {
        float[][] a = new float[slots.size()][];
        for (int i = 0; i < a.length; i++) {
            a[i] = new float[slots.get(i).size()];
        }
        return a;
    }
}
