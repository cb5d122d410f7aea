package org.sparkdl.spark.train;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.rdd.RDD;
import org.sparkdl.core.train.ChunkSchedule;
import org.sparkdl.core.train.DataBlock;
import scala.runtime.AbstractFunction1;

/**
 * The chunks of a round's turns as an RDD of their own, through Spark's partition pruning: a task
 * per turn, placed where the chunk is cached, and no task (no read, no deserialisation of a
 * spilled chunk) for any other chunk. Partition i of the result is the chunk of {@code turns[i]}.
 */
final class Chunks {
    private Chunks() {}

    /** {@code chunks} restricted to the turns' chunks; {@code turns} sorted by chunk, as a schedule gives them. */
    static JavaRDD<DataBlock> only(JavaRDD<DataBlock> chunks, ChunkSchedule.Turn[] turns) {
        if (turns.length == chunks.getNumPartitions()) {
            return chunks; // every chunk: turn i is chunk i
        }
        int[] wanted = Arrays.stream(turns).mapToInt(ChunkSchedule.Turn::chunk).toArray();
        RDD<DataBlock> pruned = PartitionPruningRDD.create(chunks.rdd(), new Wanted(wanted));
        return new JavaRDD<>(pruned, chunks.classTag());
    }

    /** Whether a partition index is one of the wanted chunks (sorted). */
    private static final class Wanted extends AbstractFunction1<Object, Object> implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int[] sorted;

        Wanted(int[] sorted) {
            this.sorted = sorted;
        }

        @Override
        public Object apply(Object partition) {
            return Arrays.binarySearch(sorted, (Integer) partition) >= 0;
        }
    }
}
