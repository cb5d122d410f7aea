package org.sparkdl.spark.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.spark.SparkErrors;

/**
 * A fit's data packed once: one training and one validation {@link DataBlock} per partition,
 * cached (spilling to disk if needed), with the sizes and a content fingerprint that checkpoints
 * are keyed to. {@link #release} when the fit ends.
 */
public final class TrainingData {
    private final JavaRDD<Packing.Blocks> blocks;
    private final long[] trainSizes;
    private final long validationRows;
    private final long fingerprint;

    private TrainingData(JavaRDD<Packing.Blocks> blocks, List<long[]> sizes) {
        this.blocks = blocks;
        this.trainSizes = sizes.stream().mapToLong(s -> s[0]).toArray();
        this.validationRows = sizes.stream().mapToLong(s -> s[1]).sum();
        long h = trainSizes.length;
        for (long[] s : sizes) {
            h = h * 1_000_003L + s[0] * 31 + s[1];
            h = h * 1_000_003L + s[2];
        }
        this.fingerprint = h;
    }

    /**
     * Packs {@code rows} (the columns {@code packer} reads, then a boolean validation flag) into
     * {@code partitions} partitions. Bad rows fail here, before training, with the packer's error.
     */
    public static TrainingData pack(Dataset<Row> rows, RowPacker packer, int partitions) {
        Dataset<Row> r = rows.rdd().getNumPartitions() == partitions ? rows : rows.repartition(partitions);
        Packing packing = new Packing(packer);
        JavaRDD<Packing.Blocks> blocks =
                r.javaRDD().mapPartitions(packing::pack).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<long[]> sizes = SparkErrors.unwrap(() -> blocks.map(b -> new long[] {
                        b.train().size(),
                        b.validation().size(),
                        b.train().fingerprint(Packing.FINGERPRINT_STRIDE) * 31
                                + b.validation().fingerprint(Packing.FINGERPRINT_STRIDE)
                    })
                    .collect());
            return new TrainingData(blocks, sizes);
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        }
    }

    JavaRDD<DataBlock> train() {
        return blocks.map(Packing.Blocks::train);
    }

    JavaRDD<DataBlock> validation() {
        return blocks.map(Packing.Blocks::validation);
    }

    JavaRDD<Packing.Blocks> blocks() {
        return blocks;
    }

    public int partitions() {
        return trainSizes.length;
    }

    public long trainRows() {
        long n = 0;
        for (long s : trainSizes) {
            n += s;
        }
        return n;
    }

    public long validationRows() {
        return validationRows;
    }

    /** The largest partition's batches per epoch: the rounds an epoch needs. */
    public int maxBatches(int batchSize) {
        int max = 0;
        for (long s : trainSizes) {
            max = Math.max(max, LocalRounds.batchesPerEpoch(s, batchSize));
        }
        return max;
    }

    /** Partition sizes and a hash of sampled rows of every column: equal for the same data and partitioning. */
    public long fingerprint() {
        return fingerprint;
    }

    public void release() {
        blocks.unpersist(false);
    }
}
