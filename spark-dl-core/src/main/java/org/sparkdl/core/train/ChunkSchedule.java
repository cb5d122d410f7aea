package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which data chunk each model replica trains on in each round, when the data comes in more chunks
 * than there are replicas (data larger than memory, held as chunks that may spill to disk).
 *
 * <p>Chunk {@code c} belongs to replica {@code c mod replicas}. In every epoch a replica visits its
 * chunks in a seeded shuffled order, taking {@code ceil(batches / steps)} rounds on each, with the
 * chunk's samples shuffled as {@link LocalRounds} does for a whole partition. An epoch lasts as
 * many rounds as the busiest replica needs; the others sit out its last rounds. With one chunk per
 * replica this is exactly data-parallel training over partitions: chunk = replica, the chunk's
 * rounds = the epoch's rounds.
 */
public final class ChunkSchedule implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Replica {@code replica} trains round {@code chunkRound} of chunk {@code chunk}'s epoch. */
    public record Turn(int replica, int chunk, int chunkRound) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final long[] chunkSamples;
    private final int replicas;
    private final long seed;
    private final int[] chunkRounds;
    private final int roundsPerEpoch;

    /**
     * @param chunkSamples training samples in each chunk
     * @param replicas model replicas (concurrent tasks), at most the number of chunks
     * @param batchSize mini-batch size
     * @param steps local steps per round
     */
    public ChunkSchedule(long[] chunkSamples, int replicas, int batchSize, int steps, long seed) {
        if (replicas < 1 || replicas > chunkSamples.length) {
            throw new IllegalArgumentException(
                    "replicas must be between 1 and the " + chunkSamples.length + " chunks, got " + replicas);
        }
        this.chunkSamples = chunkSamples.clone();
        this.replicas = replicas;
        this.seed = seed;
        this.chunkRounds = new int[chunkSamples.length];
        int[] perReplica = new int[replicas];
        for (int c = 0; c < chunkSamples.length; c++) {
            int batches = LocalRounds.batchesPerEpoch(chunkSamples[c], batchSize);
            chunkRounds[c] = (batches + steps - 1) / steps;
            perReplica[replicaOf(c)] += chunkRounds[c];
        }
        int max = 0;
        for (int r : perReplica) {
            max = Math.max(max, r);
        }
        this.roundsPerEpoch = max;
    }

    public int chunks() {
        return chunkSamples.length;
    }

    public int replicas() {
        return replicas;
    }

    public int replicaOf(int chunk) {
        return chunk % replicas;
    }

    /** Rounds in an epoch: those of the replica with the most batches. */
    public int roundsPerEpoch() {
        return roundsPerEpoch;
    }

    /** Round {@code round} of {@code epoch}: one turn per replica that still has batches, by chunk. */
    public List<Turn> round(int epoch, int round) {
        List<Turn> turns = new ArrayList<>();
        for (int replica = 0; replica < replicas; replica++) {
            int left = round;
            for (int c : visitOrder(epoch, replica)) {
                if (left < chunkRounds[c]) {
                    turns.add(new Turn(replica, c, left));
                    break;
                }
                left -= chunkRounds[c];
            }
        }
        turns.sort((a, b) -> Integer.compare(a.chunk(), b.chunk()));
        return turns;
    }

    /** {@code replica}'s chunks in the order it trains on them in {@code epoch}. */
    int[] visitOrder(int epoch, int replica) {
        int n = (chunkSamples.length - replica + replicas - 1) / replicas;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = replica + i * replicas;
        }
        if (n > 1) {
            MiniBatches.shuffle(order, new SplittableRandom(Seeds.chunkOrder(seed, epoch, replica)));
        }
        return order;
    }
}
