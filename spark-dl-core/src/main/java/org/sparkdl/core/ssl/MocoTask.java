package org.sparkdl.core.ssl;

import java.util.List;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.KeyQueue;
import org.sparkdl.core.loss.MocoLoss;
import org.sparkdl.core.nn.Chain;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateSlot;

/**
 * MoCo (v2's loss): the first view of each image goes through the query network (trained), the
 * second through the key network, the query's moving average; the keys of past batches, kept in a
 * queue, are the negatives, so their number ({@code queueSize}) does not depend on the batch.
 *
 * <p>Under parameter averaging the key network is averaged like the weights (slot {@value
 * #KEY_NETWORK}); the queue stays with its partition (slot {@value #QUEUE}, {@link
 * MergeRule#LOCAL}): its keys were made by that partition's encoder from its own images, and an
 * average of unrelated keys would be no key at all.
 */
final class MocoTask extends PretrainingTask {
    static final String KEY_NETWORK = "keyNetwork";
    static final String QUEUE = "queue";

    private final Chain keys;
    private final KeyQueue queue;
    private final MocoLoss loss;

    MocoTask(PretrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(config, averageOptimizerState, kernels);
        this.keys = buildFollower(kernels);
        this.queue = new KeyQueue(config.queueSize(), config.projectionSize());
        this.loss = new MocoLoss(config.temperature());
    }

    @Override
    protected List<StateSlot> methodSlots() {
        return List.of(
                new StateSlot(KEY_NETWORK, keys.stateSize(), MergeRule.AVERAGE),
                new StateSlot(QUEUE, queue.stateSize(), MergeRule.LOCAL));
    }

    @Override
    protected void saveMethodState(float[][] slots) {
        keys.copyStateTo(slots[2]);
        queue.copyStateTo(slots[3], 0);
    }

    @Override
    protected void loadMethodState(float[][] slots) {
        keys.loadState(slots[2]);
        queue.loadState(slots[3], 0);
    }

    @Override
    protected double methodStep(DataBlock batch, Figures figures) {
        Tensor k = keys.forward(views(batch, 1, 1, 2), false); // [N, P], no gradient
        Tensor q = forward(views(batch, 0, 1, 2)); // [N, P]
        float l = loss.forward(q, k, queue);
        backwardAndUpdate(loss.backward());
        queue.enqueue(k);
        return l;
    }

    @Override
    public void afterStep() {
        MovingAverage.follow(keys, network, followerMomentum());
    }
}
