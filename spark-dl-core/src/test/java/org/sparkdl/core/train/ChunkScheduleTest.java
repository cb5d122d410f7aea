package org.sparkdl.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChunkScheduleTest {
    @Test
    void oneChunkPerReplicaIsPlainDataParallelism() {
        // 3 replicas of 50, 100 and 200 samples, batches of 50, 2 steps a round: 1, 1 and 2 rounds.
        ChunkSchedule s = new ChunkSchedule(new long[] {50, 100, 200}, 3, 50, 2, 7);
        assertEquals(2, s.roundsPerEpoch());
        assertEquals(
                List.of(
                        new ChunkSchedule.Turn(0, 0, 0),
                        new ChunkSchedule.Turn(1, 1, 0),
                        new ChunkSchedule.Turn(2, 2, 0)),
                s.round(0, 0));
        assertEquals(List.of(new ChunkSchedule.Turn(2, 2, 1)), s.round(0, 1));
    }

    @Test
    void everyRoundOfEveryChunkIsTrainedOncePerEpochByItsReplica() {
        long[] sizes = {300, 120, 64, 500, 1, 0, 256};
        int replicas = 3;
        int batch = 32;
        int steps = 2;
        ChunkSchedule s = new ChunkSchedule(sizes, replicas, batch, steps, 11);
        List<int[]> orders = new ArrayList<>();
        for (int epoch = 0; epoch < 3; epoch++) {
            Map<Integer, List<Integer>> rounds = new HashMap<>();
            int[] busy = new int[replicas];
            for (int r = 0; r < s.roundsPerEpoch(); r++) {
                List<ChunkSchedule.Turn> turns = s.round(epoch, r);
                assertTrue(!turns.isEmpty(), "round " + r + " has work");
                for (ChunkSchedule.Turn t : turns) {
                    assertEquals(t.chunk() % replicas, t.replica(), "chunk " + t.chunk() + "'s replica");
                    rounds.computeIfAbsent(t.chunk(), c -> new ArrayList<>()).add(t.chunkRound());
                    busy[t.replica()]++;
                }
                assertEquals(
                        turns.stream()
                                .map(ChunkSchedule.Turn::replica)
                                .distinct()
                                .count(),
                        turns.size());
            }
            for (int c = 0; c < sizes.length; c++) {
                int expected = (LocalRounds.batchesPerEpoch(sizes[c], batch) + steps - 1) / steps;
                List<Integer> got = rounds.getOrDefault(c, List.of());
                assertEquals(expected, got.size(), "rounds of chunk " + c);
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(i, got.get(i), "chunk " + c + "'s rounds in order");
                }
            }
            assertEquals(s.roundsPerEpoch(), Arrays.stream(busy).max().getAsInt());
            orders.add(s.visitOrder(epoch, 0));
        }
        assertNotEquals(
                Arrays.toString(orders.get(0)) + Arrays.toString(orders.get(1)) + Arrays.toString(orders.get(2)),
                Arrays.toString(orders.get(0)).repeat(3),
                "replica 0 visits its chunks in a new order each epoch");
    }

    @Test
    void moreReplicasThanChunksIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkSchedule(new long[] {10, 10}, 3, 5, 1, 1));
    }
}
