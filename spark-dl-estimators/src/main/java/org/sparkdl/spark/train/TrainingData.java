package org.sparkdl.spark.train;

import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.train.ChunkSchedule;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.compat.ScalaCollections;

/**
 * A fit's data packed once: one training and one validation {@link DataBlock} per chunk (a Spark
 * partition), cached in storage memory and spilled to disk where it does not fit, with the sizes
 * and a content fingerprint that checkpoints are keyed to. There are as many chunks as model
 * replicas unless the data is too large for that ({@link DataLayout#chunks}); then each replica
 * trains on several in turn ({@link ChunkSchedule}). {@link #release} when the fit ends.
 */
public final class TrainingData {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingData.class);

    private final JavaRDD<Packing.Blocks> blocks;
    private final int replicas;
    private final long[] trainSizes;
    private final long validationRows;
    private final long packedBytes;
    private final long fingerprint;
    private final Footprint footprint;

    private TrainingData(JavaRDD<Packing.Blocks> blocks, int replicas, List<long[]> sizes, CachedBlocks cached) {
        this.blocks = blocks;
        this.replicas = replicas;
        this.trainSizes = sizes.stream().mapToLong(s -> s[0]).toArray();
        this.validationRows = sizes.stream().mapToLong(s -> s[1]).sum();
        this.packedBytes = sizes.stream().mapToLong(s -> s[3]).sum();
        long h = trainSizes.length;
        for (long[] s : sizes) {
            h = h * 1_000_003L + s[0] * 31 + s[1];
            h = h * 1_000_003L + s[2];
        }
        this.fingerprint = h;
        this.footprint = measure(cached);
    }

    /**
     * Packs {@code rows} (the columns {@code packer} reads, then a boolean validation flag) into
     * one chunk per replica, or more when they would exceed the layout's chunk size (counting the
     * rows first). Bad rows fail here, before training, with the packer's error and the row's
     * position in {@code rows}.
     */
    public static TrainingData pack(Dataset<Row> rows, RowPacker packer, DataLayout layout) {
        int chunks =
                packer.maxBytesPerRow() > 0 ? layout.chunks(rows.count(), packer.maxBytesPerRow()) : layout.replicas();
        return pack(rows, packer, layout, chunks);
    }

    /**
     * As {@link #pack(Dataset, RowPacker, DataLayout)} when the estimator knows the packed data's
     * size in all, {@code packedBytes}, rather than a bound per row (a language model's text,
     * counted while its vocabulary is learnt): no row count.
     */
    public static TrainingData pack(Dataset<Row> rows, RowPacker packer, DataLayout layout, long packedBytes) {
        return pack(rows, packer, layout, layout.chunks(packedBytes));
    }

    private static TrainingData pack(Dataset<Row> rows, RowPacker packer, DataLayout layout, int chunks) {
        try {
            return packRows(rows, packer, chunks, layout.replicas());
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

    private static TrainingData packRows(Dataset<Row> rows, RowPacker packer, int partitions, int replicas) {
        Dataset<Row> withId = rows.withColumn("__sparkdl_row", monotonically_increasing_id());
        // One chunk per replica: an input already in that many partitions is kept as it is. More chunks
        // than replicas are always dealt round-robin: chunk c goes to replica c mod replicas, so chunks
        // of unequal size (a union of a training and a test table, as the CLI makes) would leave a
        // replica idle for part of every epoch (SimCLR on 4 such chunks: 25% of each epoch).
        boolean keep = partitions == replicas && withId.rdd().getNumPartitions() == partitions;
        Dataset<Row> r = keep ? withId : withId.repartition(partitions);
        Packing packing = new Packing(packer);
        JavaRDD<Packing.Blocks> blocks =
                r.javaRDD().mapPartitions(packing::pack).persist(StorageLevel.MEMORY_AND_DISK());
        CachedBlocks cached = CachedBlocks.watch(blocks.context(), blocks.id());
        try {
            List<long[]> sizes = SparkErrors.unwrap(() -> blocks.map(b -> new long[] {
                        b.train().size(),
                        b.validation().size(),
                        b.train().fingerprint(Packing.FINGERPRINT_STRIDE) * 31
                                + b.validation().fingerprint(Packing.FINGERPRINT_STRIDE),
                        b.train().valueBytes() + b.validation().valueBytes()
                    })
                    .collect());
            cached.awaitBlocks(partitions, 2000);
            TrainingData data = new TrainingData(blocks, Math.min(replicas, partitions), sizes, cached);
            Footprint footprint = data.footprint();
            if (footprint.diskBytes() > 0) {
                LOG.warn(
                        "spark-dl: the packed training data does not fit in the executors' {} MB of storage memory:"
                                + " {}; each round reads its chunks back from disk",
                        String.format(java.util.Locale.ROOT, "%.1f", footprint.storageMemoryBytes() / 1e6),
                        footprint);
            } else {
                LOG.info("spark-dl training data: {}", footprint);
            }
            return data;
        } catch (RuntimeException e) {
            blocks.unpersist(false);
            throw e;
        } finally {
            cached.close();
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

    /** Chunks: the cached partitions. */
    public int partitions() {
        return trainSizes.length;
    }

    /** Training rows in each chunk. */
    long[] chunkTrainRows() {
        return trainSizes.clone();
    }

    /** Model replicas that train concurrently, each over its own chunks. */
    public int replicas() {
        return replicas;
    }

    /** Which replica trains on which chunk in each round, for mini-batches of {@code plan}. */
    ChunkSchedule schedule(LocalRounds.Plan plan) {
        return new ChunkSchedule(trainSizes, replicas, plan.batchSize(), plan.steps(), plan.seed());
    }

    /** Where the packed data was once packed: its size, and how much of it storage memory held and disk. */
    public Footprint footprint() {
        return footprint;
    }

    private Footprint measure(CachedBlocks cached) {
        long storage = 0;
        for (Object m : ScalaCollections.toJava(
                blocks.context().getExecutorMemoryStatus().values().toSeq())) {
            storage += (Long) ((scala.Tuple2<?, ?>) m)._1();
        }
        return new Footprint(
                partitions(),
                replicas,
                packedBytes,
                cached.memoryBytes(),
                cached.diskBytes(),
                cached.blocks(),
                storage);
    }

    /**
     * The packed data's size and place: {@code packedBytes} of values in {@code chunks} chunks,
     * of which storage memory holds {@code memoryBytes} (Spark's estimate of the objects) and disk
     * {@code diskBytes} (serialised); {@code storageMemoryBytes} is the executors' (and a local
     * driver's) storage memory together.
     */
    public record Footprint(
            int chunks,
            int replicas,
            long packedBytes,
            long memoryBytes,
            long diskBytes,
            int cached,
            long storageMemoryBytes) {
        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%d chunks for %d replicas, %.1f MB packed; %d cached: %.1f MB in memory, %.1f MB spilled to disk",
                    chunks,
                    replicas,
                    packedBytes / 1e6,
                    cached,
                    memoryBytes / 1e6,
                    diskBytes / 1e6);
        }

        /** As the summary's data figures. */
        public java.util.Map<String, Double> figures() {
            java.util.Map<String, Double> m = new java.util.LinkedHashMap<>();
            m.put(TrainingSummary.DATA_CHUNKS, (double) chunks);
            m.put(TrainingSummary.DATA_REPLICAS, (double) replicas);
            m.put(TrainingSummary.DATA_PACKED_BYTES, (double) packedBytes);
            m.put(TrainingSummary.DATA_MEMORY_BYTES, (double) memoryBytes);
            m.put(TrainingSummary.DATA_DISK_BYTES, (double) diskBytes);
            m.put(TrainingSummary.STORAGE_MEMORY_BYTES, (double) storageMemoryBytes);
            return m;
        }
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

    /** Partition sizes and a hash of sampled rows of every column: equal for the same data and partitioning. */
    public long fingerprint() {
        return fingerprint;
    }

    public void release() {
        blocks.unpersist(false);
    }
}
