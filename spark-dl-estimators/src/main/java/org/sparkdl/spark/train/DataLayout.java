package org.sparkdl.spark.train;

/**
 * How a fit's packed data is laid out on the cluster.
 *
 * @param replicas model replicas: tasks that train concurrently, each on its own chunks
 * @param maxChunkBytes the most bytes one packed chunk (a cached Spark block) may take, as the
 *     packer's {@link RowPacker#maxBytesPerRow} estimates them; data larger than {@code replicas}
 *     such chunks is split into more chunks, a multiple of {@code replicas}
 */
public record DataLayout(int replicas, long maxChunkBytes) {
    /** Chunk size when the user sets none: small enough that a few fit in an executor's storage memory. */
    public static final long DEFAULT_CHUNK_BYTES = 64L << 20;

    public DataLayout {
        if (replicas < 1) {
            throw new IllegalArgumentException("a fit needs at least one replica, got " + replicas);
        }
        if (maxChunkBytes < 1) {
            throw new IllegalArgumentException("maxChunkBytes must be positive, got " + maxChunkBytes);
        }
    }

    /** Chunks for {@code rows} rows of at most {@code bytesPerRow} bytes each; replicas when unbounded (0). */
    public int chunks(long rows, long bytesPerRow) {
        return bytesPerRow <= 0 ? replicas : chunks(Math.multiplyExact(rows, bytesPerRow));
    }

    /** Chunks for {@code packedBytes} in all: replicas × the chunks of at most maxChunkBytes each needs. */
    public int chunks(long packedBytes) {
        long perReplica = Math.max(1L, (long) Math.ceil((double) packedBytes / replicas / maxChunkBytes));
        long chunks = replicas * perReplica;
        if (chunks > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(packedBytes + " bytes need " + chunks + " chunks of " + maxChunkBytes
                    + " bytes: raise maxBlockSizeInMB");
        }
        return (int) chunks;
    }
}
