package org.sparkdl.spark.train;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.RDDBlockId;

/**
 * Where one cached RDD's blocks are as they are cached: the latest memory and disk size the block
 * managers reported for each block. Read once the blocks are made: Spark's own per-RDD figures
 * ({@code getRDDStorageInfo}) add a spilled block's disk size again each time a task reads it back
 * (16.6 MB on disk, as the block files showed, was reported as 47.7 MB after one epoch and 85.0 MB
 * after two), and later block updates of read-back blocks overstate memory likewise.
 */
final class CachedBlocks extends SparkListener {
    private final SparkContext sc;
    private final int rddId;
    /** executor/block → {memory bytes, disk bytes}. */
    private final Map<String, long[]> latest = new ConcurrentHashMap<>();

    private CachedBlocks(SparkContext sc, int rddId) {
        this.sc = sc;
        this.rddId = rddId;
    }

    /** Starts listening for the blocks of RDD {@code rddId}; {@link #close} stops. */
    static CachedBlocks watch(SparkContext sc, int rddId) {
        CachedBlocks b = new CachedBlocks(sc, rddId);
        sc.addSparkListener(b);
        return b;
    }

    @Override
    public void onBlockUpdated(SparkListenerBlockUpdated event) {
        BlockUpdatedInfo info = event.blockUpdatedInfo();
        if (info.blockId() instanceof RDDBlockId block && block.rddId() == rddId) {
            String key = info.blockManagerId().executorId() + "/" + block.name();
            if (info.storageLevel().isValid()) {
                latest.put(key, new long[] {info.memSize(), info.diskSize()});
            } else {
                latest.remove(key);
            }
        }
    }

    /**
     * Waits (at most {@code millis}) until {@code blocks} blocks have been reported: the listener
     * bus delivers updates after the job that made them has returned.
     */
    void awaitBlocks(int blocks, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (latest.size() < blocks && System.nanoTime() < end) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    int blocks() {
        return latest.size();
    }

    long memoryBytes() {
        return latest.values().stream().mapToLong(s -> s[0]).sum();
    }

    long diskBytes() {
        return latest.values().stream().mapToLong(s -> s[1]).sum();
    }

    void close() {
        sc.removeSparkListener(this);
    }
}
