package org.sparkdl.core.train;

/**
 * Derived seeds, so that a run is reproducible for a fixed seed and partitioning wherever its
 * tasks execute: each (epoch, partition) has its own shuffle, each (epoch, round, partition) its
 * own dropout masks.
 */
public final class Seeds {
    private Seeds() {}

    /** The shuffle of {@code partition}'s samples in {@code epoch}. */
    public static long epochOrder(long seed, int epoch, int partition) {
        return mix(mix(mix(seed, 0x5EED0001L), epoch), partition);
    }

    /** Dropout masks of {@code partition} in one round. */
    public static long dropout(long seed, int epoch, int round, int partition) {
        return mix(mix(mix(mix(seed, 0x5EED0002L), epoch), round), partition);
    }

    /** The order in which {@code replica} visits its data chunks in {@code epoch}. */
    public static long chunkOrder(long seed, int epoch, int replica) {
        return mix(mix(mix(seed, 0x5EED0004L), epoch), replica);
    }

    /** The model's initial weights. */
    public static long weights(long seed) {
        return mix(seed, 0x5EED0003L);
    }

    /** SplitMix64's finaliser over a combination of two values. */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
