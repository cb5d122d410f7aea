package org.sparkdl.spark.train;

import static org.apache.spark.sql.functions.monotonically_increasing_id;

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
     * {@code partitions} partitions. Bad rows fail here, before training, with the packer's error
     * and the row's position in {@code rows}.
     */
    public static TrainingData pack(Dataset<Row> rows, RowPacker packer, int partitions) {
        try {
            return packRows(rows, packer, partitions);
        } catch (BadRowException e) {
            throw new IllegalArgumentException(withPosition(rows, e), e);
        }
    }

    /** The message with the row's id replaced by its position in the input (one count job, on error only). */
    private static String withPosition(Dataset<Row> rows, BadRowException e) {
        int p = e.inputPartition();
        long before = rows.javaRDD()
                .mapPartitionsWithIndex(
                        (i, it) -> {
                            long n = 0;
                            if (i < p) {
                                for (; it.hasNext(); it.next()) {
                                    n++;
                                }
                            }
                            return List.of(n).iterator();
                        },
                        false)
                .reduce(Long::sum);
        return e.getMessage().replace("row " + e.rowId(), "row " + (before + e.offset()));
    }

    private static TrainingData packRows(Dataset<Row> rows, RowPacker packer, int partitions) {
        Dataset<Row> withId = rows.withColumn("__sparkdl_row", monotonically_increasing_id());
        Dataset<Row> r = withId.rdd().getNumPartitions() == partitions ? withId : withId.repartition(partitions);
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
