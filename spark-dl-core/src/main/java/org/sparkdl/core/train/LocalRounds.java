package org.sparkdl.core.train;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * One replica running the local part of data-parallel training: load the state, take
 * {@code steps} mini-batch steps of its task over this partition's block, return the new state
 * and the figures.
 *
 * <p>Batches follow the partition's epoch order ({@link Seeds#epochOrder}); round r of an epoch
 * takes batches {@code [r·steps, (r+1)·steps)}. The order is recomputed from the seeds, so any
 * executor can run any round. A replica is reused across rounds; it is not thread-safe.
 */
public final class LocalRounds {
    /**
     * What a round needs besides the state: the mini-batch size, local steps, the run's seed, and
     * where a round lies in the fit (its epochs, and rounds per epoch) for {@link
     * TrainingTask#setProgress}.
     */
    public record Plan(int batchSize, int steps, long seed, int epochs, int roundsPerEpoch) implements Serializable {
        private static final long serialVersionUID = 2L;

        public Plan {
            if (batchSize <= 0 || steps <= 0 || epochs <= 0 || roundsPerEpoch <= 0) {
                throw new IllegalArgumentException("batch size, steps, epochs and rounds per epoch must be positive,"
                        + " got " + batchSize + ", " + steps + ", " + epochs + " and " + roundsPerEpoch);
            }
        }

        /** This plan with {@code rounds} rounds per epoch. */
        public Plan withRoundsPerEpoch(int rounds) {
            return new Plan(batchSize, steps, seed, epochs, rounds);
        }

        /** The fraction of the fit done before round {@code round} of epoch {@code epoch}, in [0, 1]. */
        public double progress(int epoch, int round) {
            double done = epoch + Math.min(round, roundsPerEpoch) / (double) roundsPerEpoch;
            return Math.min(1, Math.max(0, done / epochs));
        }
    }

    private final TaskFactory factory;
    private final TrainingTask task;
    private DataBlock block;
    private MiniBatches batches;

    public LocalRounds(TaskFactory factory, TrainingTask task) {
        this.factory = factory;
        this.task = task;
    }

    public TaskFactory factory() {
        return factory;
    }

    public TrainingTask task() {
        return task;
    }

    /** The task's fresh state: initialised weights, empty optimizer state. */
    public static TaskState initialState(TrainingTask task) {
        float[][] s = task.layout().newArrays();
        task.saveState(s);
        return TaskState.of(task.layout(), s);
    }

    /** Batches per epoch for a block of {@code samples}. */
    public static int batchesPerEpoch(long samples, int batchSize) {
        return (int) ((samples + batchSize - 1) / batchSize);
    }

    /**
     * Runs round {@code round} of {@code epoch} on {@code partition} from {@code state} with
     * learning rate {@code lr}. Returns {@link RoundResult#nothing()} when the partition has no
     * batch left in this round.
     */
    public RoundResult run(TaskState state, DataBlock data, int partition, int epoch, int round, double lr, Plan plan) {
        return run(state, data, new ChunkSchedule.Turn(partition, partition, round), epoch, round, lr, plan);
    }

    /**
     * Runs {@code turn}: replica {@code turn.replica()}'s round {@code round} of {@code epoch},
     * which is round {@code turn.chunkRound()} over chunk {@code turn.chunk()}'s samples ({@code
     * data}), shuffled by the chunk's own seed. The replica's LOCAL state slots and dropout masks
     * are those of the replica.
     */
    public RoundResult run(
            TaskState state, DataBlock data, ChunkSchedule.Turn turn, int epoch, int round, double lr, Plan plan) {
        int partition = turn.replica();
        int b = plan.batchSize();
        int first = turn.chunkRound() * plan.steps();
        int last = Math.min(batchesPerEpoch(data.size(), b), first + plan.steps());
        if (first >= last) {
            return RoundResult.nothing();
        }
        long t0 = System.nanoTime();
        float[][] start = state.view(partition); // read only: SUM slots travel as their change from it
        task.loadState(start);
        task.setLearningRate(lr);
        task.setProgress(plan.progress(epoch, round));
        prepareOrder(data, turn.chunk(), epoch, plan.seed());
        task.reseed(Seeds.dropout(plan.seed(), epoch, round, partition));
        Figures figures = new Figures();
        long samples = 0;
        for (int i = first; i < last; i++) {
            DataBlock batch = batches.batch(i, b);
            double loss;
            try {
                loss = task.step(batch, figures);
            } catch (ArithmeticException e) {
                // A non-finite loss: this partition's state is dropped and the driver stops the fit.
                return new RoundResult(
                        null,
                        null,
                        new java.util.TreeMap<>(),
                        0,
                        new Figures().add(Figures.NON_FINITE, 1),
                        (System.nanoTime() - t0) / 1e9);
            }
            if (i == first) {
                figures.add(Figures.FIRST_LOSS_SUM, loss).add(Figures.FIRST_LOSS_COUNT, 1);
            }
            figures.add(Figures.LOSS_SUM, loss);
            task.afterStep();
            samples += batch.size();
        }
        figures.add(Figures.STEPS, last - first).add(Figures.SAMPLES, samples);
        float[][] after = task.layout().newArrays();
        task.saveState(after);
        return RoundResult.of(task.layout(), partition, start, after, samples, figures, (System.nanoTime() - t0) / 1e9);
    }

    /** The task's evaluation figures of {@code state} over the whole of {@code data}, in batches. */
    public Figures evaluate(TaskState state, DataBlock data, int partition, int batchSize) {
        Figures figures = new Figures();
        if (data.size() == 0) {
            return figures;
        }
        task.loadState(state.view(partition));
        int[] identity = new int[data.size()];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        DataBlock reuse = null;
        for (int from = 0; from < data.size(); from += batchSize) {
            reuse = data.gather(identity, from, Math.min(batchSize, data.size() - from), reuse);
            task.evaluate(reuse, figures);
        }
        figures.add(Figures.SAMPLES, data.size());
        return figures;
    }

    private void prepareOrder(DataBlock data, int chunk, int epoch, long seed) {
        if (block != data) {
            block = data;
            batches = new MiniBatches(data);
        } else {
            batches.resetOrder();
        }
        batches.shuffle(new SplittableRandom(Seeds.epochOrder(seed, epoch, chunk)));
    }
}
