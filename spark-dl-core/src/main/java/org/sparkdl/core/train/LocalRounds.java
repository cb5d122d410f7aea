package org.sparkdl.core.train;

import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Dropout;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * One model replica running the local part of data-parallel training: load the averaged state,
 * take {@code steps} mini-batch steps over this partition's block, return the new state.
 *
 * <p>Batches follow the partition's epoch order ({@link Seeds#epochOrder}); round r of an epoch
 * takes batches {@code [r·steps, (r+1)·steps)}. The order is recomputed from the seeds, so any
 * executor can run any round. A replica is reused across rounds; it is not thread-safe.
 */
public final class LocalRounds {
    private final TrainingConfig config;
    private final Sequential model;
    private final Optimizer optimizer;
    private final Trainer trainer;
    private final int modelSize;
    private final int optimizerSize;

    private DataBlock block;
    private MiniBatches batches;

    public LocalRounds(TrainingConfig config, Kernels kernels) {
        this.config = config;
        this.model = config.buildModel(kernels);
        this.optimizer = config.buildOptimizer(model);
        this.trainer =
                new Trainer(model, config.buildLoss(), optimizer, LearningRateSchedule.constant(0), config.clipNorm());
        this.modelSize = model.stateSize();
        this.optimizerSize = optimizer.stateSize();
    }

    public TrainingConfig config() {
        return config;
    }

    public Sequential model() {
        return model;
    }

    /** Model state, then optimizer state. */
    public int stateSize() {
        return modelSize + optimizerSize;
    }

    /** The initial state: freshly initialised weights and an empty optimizer state. */
    public float[] initialState() {
        float[] s = new float[stateSize()];
        model.copyStateTo(s);
        System.arraycopy(optimizer.state(), 0, s, modelSize, optimizerSize);
        return s;
    }

    public void loadState(float[] state) {
        if (state.length != stateSize()) {
            throw new IllegalArgumentException(
                    "training state has " + state.length + " values but this model needs " + stateSize());
        }
        model.loadState(state, 0);
        optimizer.loadState(state, modelSize);
    }

    /** Batches per epoch for a block of {@code samples}. */
    public static int batchesPerEpoch(long samples, int batchSize) {
        return (int) ((samples + batchSize - 1) / batchSize);
    }

    /**
     * Runs round {@code round} of {@code epoch} from {@code state} with learning rate {@code lr}.
     * Returns {@link RoundResult#nothing()} when the partition has no batch left in this round.
     */
    public RoundResult run(float[] state, DataBlock data, int partition, int epoch, int round, int steps, double lr) {
        int nb = batchesPerEpoch(data.size(), config.batchSize());
        int first = round * steps;
        int last = Math.min(nb, first + steps);
        if (first >= last) {
            return RoundResult.nothing();
        }
        long t0 = System.nanoTime();
        loadState(state);
        optimizer.setLearningRate(lr);
        prepareOrder(data, partition, epoch);
        reseedDropout(Seeds.dropout(config.seed(), epoch, round, partition));
        int b = config.batchSize();
        int[] shape = model.inputShape();
        double lossSum = 0;
        long correct = 0;
        long samples = 0;
        for (int i = first; i < last; i++) {
            int rows = batches.batchRows(i, b);
            Tensor x = Tensor.of(batches.features(i, b), Shapes.withBatch(rows, shape));
            Tensor y = Tensor.of(batches.labels(i, b), rows);
            lossSum += trainer.step(x, y);
            correct += trainer.lastCorrect(y);
            samples += rows;
        }
        float[] out = new float[stateSize()];
        model.copyStateTo(out);
        System.arraycopy(optimizer.state(), 0, out, modelSize, optimizerSize);
        return new RoundResult(out, samples, lossSum, last - first, correct, (System.nanoTime() - t0) / 1e9);
    }

    private void prepareOrder(DataBlock data, int partition, int epoch) {
        if (block != data) {
            block = data;
            batches = new MiniBatches(data.features(), data.labels(), data.sampleSize());
        } else {
            batches.resetOrder();
        }
        batches.shuffle(new SplittableRandom(Seeds.epochOrder(config.seed(), epoch, partition)));
    }

    private void reseedDropout(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer l : model.layers()) {
            if (l instanceof Dropout d) {
                d.reseed(rng.nextLong());
            }
        }
    }
}
