package org.sparkdl.spark.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.train.ChunkSchedule;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.RoundResult;
import org.sparkdl.core.train.TaskFactory;
import org.sparkdl.core.train.TaskState;
import org.sparkdl.spark.SparkErrors;

/**
 * The data-parallel driver every estimator trains through: synchronous rounds of parameter
 * averaging over packed {@link TrainingData}.
 *
 * <ol>
 *   <li>each round broadcasts the {@link TaskState}; every replica runs {@code averagingFrequency}
 *       local steps of its task from it ({@link LocalRounds}, replicas pooled per executor) over
 *       the data chunk the {@link ChunkSchedule} gives it, one task per replica;
 *       {@code treeReduce} merges the results slot by slot ({@link RoundResult#merge}) into the
 *       next state;
 *   <li>per epoch: the task's metrics and the driver's, optional validation, early stopping,
 *       optional checkpoint; a non-finite loss stops the fit here;
 *   <li>at the end, every executor that held the data drops this fit's replicas.
 * </ol>
 *
 * It takes value objects (a task factory, a plan) and knows nothing of any estimator.
 */
public final class ParameterAveraging {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterAveraging.class);
    /** Rows per forward pass when validating. */
    private final TrainingData data;

    private final TaskFactory factory;
    private final TrainingPlan plan;
    private final JavaSparkContext sc;
    private final LocalRounds.Plan local;
    private final ChunkSchedule schedule;

    private ParameterAveraging(TrainingData data, TaskFactory factory, TrainingPlan plan) {
        this.data = data;
        this.factory = factory;
        this.plan = plan;
        this.sc = JavaSparkContext.fromSparkContext(data.blocks().context());
        LocalRounds.Plan steps =
                new LocalRounds.Plan(plan.batchSize(), plan.averagingFrequency(), plan.seed(), plan.maxEpochs(), 1);
        this.schedule = data.schedule(steps);
        this.local = steps.withRoundsPerEpoch(schedule.roundsPerEpoch());
    }

    /**
     * What can be checked of a plan before the data is read: the checkpoint directory is writable.
     * Estimators call it first, so that a bad path fails in seconds, not after packing.
     */
    public static void checkOutputs(SparkSession spark, TrainingPlan plan) {
        if (plan.checkpointDir() != null) {
            CheckpointStore.requireWritable(spark, plan.checkpointDir());
        }
    }

    /** Trains {@code factory}'s task on {@code data} as {@code plan} says. */
    public static TrainingResult train(TrainingData data, TaskFactory factory, TrainingPlan plan) {
        if (data.trainRows() == 0) {
            throw new IllegalArgumentException("the training data is empty"
                    + (data.validationRows() > 0 ? ": every row is in the validation set" : ""));
        }
        if (plan.earlyStoppingPatience() > 0 && data.validationRows() == 0) {
            throw new IllegalArgumentException("earlyStoppingPatience " + plan.earlyStoppingPatience()
                    + " needs a validation set: set validationIndicatorCol to a boolean column marking held-out rows");
        }
        if (data.trainRows() < (long) data.replicas() * plan.batchSize()) {
            LOG.warn(
                    "spark-dl: {} training rows on {} partitions is less than one batch of {} per partition: most"
                            + " of each round goes to scheduling and averaging; set numPartitions to about {}",
                    data.trainRows(),
                    data.replicas(),
                    plan.batchSize(),
                    Math.max(1, data.trainRows() / (plan.batchSize() * 4L)));
        }
        ParameterAveraging run = new ParameterAveraging(data, factory, plan);
        try (FitProgress progress =
                FitProgress.begin(run.sc, plan.fit(), plan.maxEpochs(), run.rounds(), data.trainRows())) {
            LOG.info("spark-dl fit {}", progress);
            try {
                return run.loop(progress);
            } finally {
                progress.cleanup();
                run.dropReplicas();
            }
        }
    }

    /** Rounds per epoch: the busiest replica's batches, {@code averagingFrequency} to a round. */
    private int rounds() {
        return schedule.roundsPerEpoch();
    }

    private TrainingResult loop(FitProgress progress) {
        TaskState state = LocalRounds.initialState(factory.create(new CpuKernels()));
        List<TrainingSummary.Epoch> epochs = new ArrayList<>();
        CheckpointStore.Best best = null;
        int firstEpoch = 0;
        Optional<CheckpointStore> store = checkpoints();
        if (store.isPresent() && plan.overwriteCheckpoints()) {
            store.get().clear();
        }
        if (store.isPresent()) {
            Optional<CheckpointStore.Restored> r = store.get().latest(state.layout());
            if (r.isPresent()) {
                if (r.get().epochsDone() > plan.maxEpochs()) {
                    throw new IllegalArgumentException(
                            "checkpointDir " + store.get().directory() + " holds a model"
                                    + " trained for " + r.get().epochsDone() + " epochs, more than maxEpochs "
                                    + plan.maxEpochs() + "; raise maxEpochs or use another directory");
                }
                state = r.get().state();
                epochs.addAll(r.get().epochs());
                best = r.get().best();
                firstEpoch = r.get().epochsDone();
                LOG.info("spark-dl resuming from checkpoint after epoch {} in {}", firstEpoch, plan.checkpointDir());
            }
        }
        JavaRDD<DataBlock> train = data.train();
        int rounds = rounds();
        boolean stopped = false;
        double firstLoss = Double.NaN; // the loss before the first step: divergence is measured against it
        int lastCheckpoint = firstEpoch;
        for (int epoch = firstEpoch; epoch < plan.maxEpochs() && !stopped; epoch++) {
            double lr = plan.schedule().rate(epoch);
            long t0 = System.nanoTime();
            Figures sums = new Figures();
            double overhead = 0;
            for (int round = 0; round < rounds; round++) {
                progress.round(epoch, round);
                long r0 = System.nanoTime();
                RoundResult res = round(train, state, epoch, round, lr);
                double wall = (System.nanoTime() - r0) / 1e9;
                int active = (int) Math.max(1, Math.min(res.figures().get(Figures.STEPS), data.replicas()));
                overhead += Math.max(0, wall - res.computeSeconds() / active);
                if (Double.isNaN(firstLoss)) {
                    firstLoss = res.figures().ratio(Figures.FIRST_LOSS_SUM, Figures.FIRST_LOSS_COUNT);
                }
                checkDivergence(res.figures(), firstLoss, epoch, round, rounds, lastCheckpoint);
                state = state.apply(res);
                sums = Figures.merge(sums, res.figures());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> metrics = new LinkedHashMap<>(factory.trainingMetrics(sums));
            metrics.put(TrainingSummary.LEARNING_RATE, lr);
            metrics.put(TrainingSummary.SECONDS, seconds);
            metrics.put(TrainingSummary.SAMPLES_PER_SECOND, sums.get(Figures.SAMPLES) / seconds);
            metrics.put(TrainingSummary.AVERAGING_OVERHEAD, overhead / seconds);
            if (data.validationRows() > 0) {
                progress.validation(epoch);
                metrics.putAll(factory.validationMetrics(validate(state)));
            }
            TrainingSummary.Epoch e = new TrainingSummary.Epoch(epoch + 1, metrics);
            epochs.add(e);
            LOG.info("spark-dl {}", e);
            if (plan.earlyStoppingPatience() > 0) {
                double v = e.get(factory.validationMetric());
                if (best == null || better(v, best.value())) {
                    best = new CheckpointStore.Best(epoch + 1, v, state);
                } else if (epoch + 1 - best.epoch() >= plan.earlyStoppingPatience()) {
                    stopped = true;
                    LOG.info(
                            "spark-dl early stopping after epoch {}: {} has not improved on epoch {}'s {} for {}"
                                    + " epochs",
                            epoch + 1,
                            factory.validationMetric(),
                            best.epoch(),
                            best.value(),
                            plan.earlyStoppingPatience());
                }
            }
            if (store.isPresent()
                    && ((epoch + 1) % plan.checkpointInterval() == 0 || epoch + 1 == plan.maxEpochs() || stopped)) {
                store.get().save(epoch + 1, state, epochs, best);
                lastCheckpoint = epoch + 1;
            }
        }
        if (best != null) {
            return new TrainingResult(
                    best.state(),
                    new TrainingSummary(
                            epochs, best.epoch(), stopped, data.footprint().figures()));
        }
        return new TrainingResult(
                state,
                new TrainingSummary(
                        epochs, epochs.size(), false, data.footprint().figures()));
    }

    /**
     * Stops the fit, from the driver, when a partition's loss stopped being finite or the round's
     * mean loss exceeds divergenceFactor × the loss before the first step. The round's state is
     * not applied, and checkpoints already written stay.
     */
    private void checkDivergence(Figures round, double firstLoss, int epoch, int r, int rounds, int lastCheckpoint) {
        double loss = round.ratio(Figures.LOSS_SUM, Figures.STEPS);
        boolean nonFinite = round.get(Figures.NON_FINITE) > 0 || Double.isInfinite(loss);
        if (!nonFinite && !(loss > plan.divergenceFactor() * firstLoss)) {
            return;
        }
        String what = nonFinite
                ? "the loss is no longer finite"
                : String.format(
                        java.util.Locale.ROOT,
                        "the loss %.4g is more than divergenceFactor %.3g × the loss before the first step (%.4g)",
                        loss,
                        plan.divergenceFactor(),
                        firstLoss);
        throw new ArithmeticException("training diverged in epoch " + (epoch + 1) + ", round " + (r + 1) + " of "
                + rounds + ": " + what + ". Lower learningRate (now "
                + plan.schedule().rate(epoch)
                + "), set gradientClipNorm, or warm up with warmupEpochs"
                + (plan.checkpointDir() == null
                        ? ""
                        : lastCheckpoint > 0
                                ? "; the checkpoint of epoch " + lastCheckpoint + " is kept"
                                : "; no checkpoint was written yet")
                + ".");
    }

    private boolean better(double v, double than) {
        return factory.largerIsBetter() ? v > than : v < than;
    }

    /**
     * One round: broadcast, local steps of every replica with a turn on its turn's chunk (the
     * other chunks are not read), merge by slot rule.
     */
    private RoundResult round(JavaRDD<DataBlock> train, TaskState state, int epoch, int round, double lr) {
        ChunkSchedule.Turn[] turns = schedule.round(epoch, round).toArray(new ChunkSchedule.Turn[0]);
        JavaRDD<DataBlock> chunks = Chunks.only(train, turns);
        Broadcast<TaskState> bc = sc.broadcast(state);
        TaskFactory f = factory;
        String backend = plan.backend();
        LocalRounds.Plan steps = local;
        try {
            return SparkErrors.unwrap(() -> chunks.mapPartitionsWithIndex(
                            (idx, it) -> {
                                DataBlock block = it.next();
                                ChunkSchedule.Turn turn = turns[idx];
                                LocalRounds replica = ReplicaPool.borrow(f, backend);
                                try {
                                    return List.of(replica.run(bc.value(), block, turn, epoch, round, lr, steps))
                                            .iterator();
                                } finally {
                                    ReplicaPool.giveBack(replica, backend);
                                }
                            },
                            true)
                    .treeReduce(RoundResult::merge, 2));
        } finally {
            bc.destroy();
        }
    }

    /** The task's evaluation figures of {@code state} on the validation blocks, summed. */
    private Figures validate(TaskState state) {
        Broadcast<TaskState> bc = sc.broadcast(state);
        TaskFactory f = factory;
        String backend = plan.backend();
        int replicas = data.replicas();
        try {
            return SparkErrors.unwrap(() -> data.validation()
                    .mapPartitionsWithIndex(
                            (idx, it) -> {
                                DataBlock block = it.next();
                                if (block.size() == 0) {
                                    return List.of(new Figures()).iterator();
                                }
                                LocalRounds replica = ReplicaPool.borrow(f, backend);
                                try {
                                    return List.of(replica.evaluate(
                                                    bc.value(), block, idx % replicas, f.evaluationBatchSize()))
                                            .iterator();
                                } finally {
                                    ReplicaPool.giveBack(replica, backend);
                                }
                            },
                            true)
                    .reduce(Figures::merge));
        } finally {
            bc.destroy();
        }
    }

    /**
     * Drops this fit's idle replicas where they live: a task per data partition runs where that
     * partition's cached block is, i.e. on the executors that trained it; the driver's own too.
     */
    private void dropReplicas() {
        TaskFactory f = factory;
        String backend = plan.backend();
        try {
            data.blocks().foreachPartition(it -> ReplicaPool.clear(f, backend));
        } catch (RuntimeException e) {
            LOG.warn("spark-dl could not drop model replicas on every executor: {}", e.toString());
        } finally {
            ReplicaPool.clear(f, backend);
        }
    }

    private Optional<CheckpointStore> checkpoints() {
        if (plan.checkpointDir() == null) {
            return Optional.empty();
        }
        return Optional.of(new CheckpointStore(
                SparkSession.active(),
                plan.checkpointDir(),
                factory.key() + ", " + plan.checkpointKey(),
                data.partitions() + " partitions of " + data.trainRows() + " training and " + data.validationRows()
                        + " validation rows, fingerprint " + Long.toHexString(data.fingerprint())));
    }
}
