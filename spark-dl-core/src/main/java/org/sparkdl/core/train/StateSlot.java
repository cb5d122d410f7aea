package org.sparkdl.core.train;

import java.io.Serializable;

/** One named part of a task's state: its size in floats and how partitions' values merge. */
public record StateSlot(String name, int size, MergeRule rule) implements Serializable {
    private static final long serialVersionUID = 1L;

    public StateSlot {
        if (name == null || name.isBlank() || size < 0) {
            throw new IllegalArgumentException("a state slot needs a name and a size >= 0, got '" + name + "' " + size);
        }
    }
}
