package org.sparkdl.core.task;

import java.util.SplittableRandom;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Reseedable;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.ResidentBackend;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.Trainer;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.core.train.TrainingTask;

/**
 * What the tasks that train one network with one optimizer share: the network built from the
 * configuration, its trainer, and the state of two slots, the network's ({@value #MODEL}:
 * parameters, then BatchNorm statistics) and the optimizer's ({@value #OPTIMIZER}: step count and
 * moments), averaged, or kept per partition when the optimizer state is not averaged. Subclasses
 * say what a step and an evaluation are.
 */
public abstract class NetworkTask implements TrainingTask {
    private static final System.Logger LOG = System.getLogger(NetworkTask.class.getName());
    public static final String MODEL = "model";
    public static final String OPTIMIZER = "optimizer";

    protected final TrainingConfig config;
    protected final Sequential model;
    protected final Trainer trainer;
    private final Optimizer optimizer;
    private final StateLayout layout;

    protected NetworkTask(TrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        this(config, averageOptimizerState, null, kernels);
    }

    /** @param start the first layers' weights from a pretrained network, or null: all from the initialiser */
    protected NetworkTask(
            TrainingConfig config, boolean averageOptimizerState, PretrainedLayers start, Kernels kernels) {
        this.config = config;
        this.model = config.buildModel(kernels);
        if (start != null) {
            start.loadInto(model);
        }
        this.optimizer = (start == null
                        ? config.buildOptimizer(model)
                        : config.optimizer().create(start.trainable(model)))
                .runOn(kernels);
        this.trainer =
                new Trainer(model, config.buildLoss(), optimizer, LearningRateSchedule.constant(0), config.clipNorm());
        this.layout = StateLayout.of(
                new StateSlot(MODEL, model.stateSize(), MergeRule.AVERAGE),
                new StateSlot(
                        OPTIMIZER, optimizer.stateSize(), averageOptimizerState ? MergeRule.AVERAGE : MergeRule.LOCAL));
    }

    public Sequential model() {
        return model;
    }

    @Override
    public StateLayout layout() {
        return layout;
    }

    /**
     * Runs this task's training steps on the device where {@code kernels} can keep them there
     * ({@link ResidentBackend}); logs why not where they cannot.
     */
    protected final void keepStepsOnDevice(Kernels kernels) {
        if (!(kernels instanceof ResidentBackend backend)) {
            return;
        }
        String why = backend.whyNotResident(trainer);
        if (why != null) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "training steps run through per-call kernels on " + kernels.name()
                            + ", not resident on the device: " + why);
            return;
        }
        trainer.keepOnDevice(backend.residentStep(trainer, config.batchSize()));
        LOG.log(
                System.Logger.Level.INFO,
                "training steps stay on the device: " + trainer.resident().describe());
    }

    @Override
    public void saveState(float[][] slots) {
        trainer.syncHost();
        model.copyStateTo(slots[0]);
        System.arraycopy(optimizer.state(), 0, slots[1], 0, slots[1].length);
    }

    @Override
    public void loadState(float[][] slots) {
        model.loadState(slots[0], 0);
        optimizer.loadState(slots[1], 0);
        trainer.hostStateChanged();
    }

    @Override
    public void setLearningRate(double lr) {
        optimizer.setLearningRate(lr);
    }

    @Override
    public void reseed(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Layer l : model.layers()) {
            if (l instanceof Reseedable r) {
                r.reseed(rng.nextLong());
            }
        }
    }
}
