package org.sparkdl.spark.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.PackedFloats;
import org.sparkdl.core.train.RoundResult;
import org.sparkdl.core.train.TrainingConfig;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.ml.CNNClassificationModel;
import org.sparkdl.spark.ml.CNNClassifier;
import org.sparkdl.spark.ml.CNNTrainingSummary;
import org.sparkdl.spark.ml.SchemaChecks;
import scala.Tuple2;

/**
 * One {@code fit} of a {@link CNNClassifier}: checks, packing, then synchronous data-parallel
 * training with parameter averaging, round by round:
 *
 * <ol>
 *   <li>rows → one packed {@link DataBlock} per partition (training and validation), cached;
 *   <li>each round broadcasts the model + optimizer state; every partition runs
 *       {@code averagingFrequency} local steps from it ({@link LocalRounds}); {@code treeReduce}
 *       forms the sample-weighted average, which becomes the next state;
 *   <li>per epoch: figures, optional validation, optional checkpoint.
 * </ol>
 */
public final class CNNTraining {
    private static final Logger LOG = LoggerFactory.getLogger(CNNTraining.class);

    private final CNNClassifier est;
    private final Dataset<?> dataset;
    private final SparkSession spark;

    public CNNTraining(CNNClassifier estimator, Dataset<?> dataset) {
        this.est = estimator;
        this.dataset = dataset;
        this.spark = dataset.sparkSession();
    }

    public CNNClassificationModel run() {
        StructType schema = dataset.schema();
        int[] shape = resolveShape(schema);
        int numClasses = SchemaChecks.specOutputs(est.getSpec(), shape);
        TrainingConfig config = config(shape);
        LearningRateSchedule schedule = schedule();
        int sampleSize = Shapes.size(shape);

        JavaRDD<Packing.Blocks> blocks = pack(sampleSize, numClasses);
        try {
            List<long[]> sizes = SparkErrors.unwrap(() -> blocks.map(
                            b -> new long[] {b.train().size(), b.validation().size()})
                    .collect());
            long trainRows = sizes.stream().mapToLong(s -> s[0]).sum();
            long validationRows = sizes.stream().mapToLong(s -> s[1]).sum();
            if (trainRows == 0) {
                throw new IllegalArgumentException("the training data is empty: no rows in column '"
                        + est.getFeaturesCol() + "'" + (validationRows > 0 ? " outside the validation set" : ""));
            }
            int maxBatches = sizes.stream()
                    .mapToInt(s -> LocalRounds.batchesPerEpoch(s[0], config.batchSize()))
                    .max()
                    .orElse(0);
            LOG.info(
                    "spark-dl fit: {} training rows, {} validation rows in {} partitions; spec '{}' on input {}",
                    trainRows,
                    validationRows,
                    sizes.size(),
                    est.getSpec(),
                    Shapes.describe(shape));
            return loop(config, schedule, blocks, trainRows, validationRows, maxBatches, shape);
        } finally {
            blocks.unpersist(false);
            ReplicaPool.clear(config, est.getBackend());
        }
    }

    private CNNClassificationModel loop(
            TrainingConfig config,
            LearningRateSchedule schedule,
            JavaRDD<Packing.Blocks> blocks,
            long trainRows,
            long validationRows,
            int maxBatches,
            int[] shape) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        JavaRDD<DataBlock> train = blocks.map(Packing.Blocks::train);
        JavaRDD<DataBlock> validation = blocks.map(Packing.Blocks::validation);
        LocalRounds driverReplica = new LocalRounds(config, new CpuKernels());
        float[] state = driverReplica.initialState();
        List<CNNTrainingSummary.Epoch> epochs = new ArrayList<>();
        int firstEpoch = 0;

        Optional<CheckpointStore> store = checkpoints(config, driverReplica.stateSize());
        if (store.isPresent()) {
            Optional<CheckpointStore.Restored> r = store.get().latest();
            if (r.isPresent()) {
                state = r.get().state();
                epochs.addAll(r.get().epochs());
                firstEpoch = r.get().epochsDone();
                LOG.info("spark-dl resuming from checkpoint after epoch {} in {}", firstEpoch, est.getCheckpointDir());
            }
        }
        int k = est.getAveragingFrequency();
        int rounds = (maxBatches + k - 1) / k;
        String backend = est.getBackend();
        for (int epoch = firstEpoch; epoch < est.getMaxEpochs(); epoch++) {
            double lr = schedule.rate(epoch);
            long t0 = System.nanoTime();
            double lossSum = 0;
            long steps = 0;
            long correct = 0;
            long samples = 0;
            double overhead = 0;
            for (int round = 0; round < rounds; round++) {
                long r0 = System.nanoTime();
                RoundResult res = round(sc, train, state, config, backend, epoch, round, k, lr);
                double wall = (System.nanoTime() - r0) / 1e9;
                int active = Math.max(1, (int) Math.min(res.steps(), blocks.getNumPartitions()));
                overhead += Math.max(0, wall - res.computeSeconds() / active);
                if (res.state() != null) {
                    state = res.state();
                }
                lossSum += res.lossSum();
                steps += res.steps();
                correct += res.correct();
                samples += res.weight();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double valAcc = validationRows > 0 ? validate(sc, validation, state, config, backend) : Double.NaN;
            CNNTrainingSummary.Epoch e = new CNNTrainingSummary.Epoch(
                    epoch + 1,
                    lossSum / Math.max(1, steps),
                    correct / (double) Math.max(1, samples),
                    valAcc,
                    lr,
                    seconds,
                    samples / seconds,
                    overhead / seconds);
            epochs.add(e);
            LOG.info("spark-dl {}", e);
            if (!Double.isFinite(e.getTrainingLoss())) {
                throw new ArithmeticException("training diverged in epoch " + (epoch + 1) + " (loss "
                        + e.getTrainingLoss() + "); lower learningRate or set gradientClipNorm");
            }
            if (store.isPresent()
                    && ((epoch + 1) % est.getCheckpointInterval() == 0 || epoch + 1 == est.getMaxEpochs())) {
                store.get().save(epoch + 1, state, epochs);
            }
        }
        float[] weights = java.util.Arrays.copyOf(state, driverReplica.model().stateSize());
        CNNClassificationModel model = new CNNClassificationModel(est.uid(), weights);
        model.set(
                model.inputShape(),
                String.join(
                        ",",
                        java.util.Arrays.stream(shape)
                                .mapToObj(Integer::toString)
                                .toList()));
        return model.setSummary(new CNNTrainingSummary(epochs));
    }

    /** One round: broadcast, local steps on every partition, weighted average. */
    private static RoundResult round(
            JavaSparkContext sc,
            JavaRDD<DataBlock> train,
            float[] state,
            TrainingConfig config,
            String backend,
            int epoch,
            int round,
            int k,
            double lr) {
        Broadcast<PackedFloats> bc = sc.broadcast(new PackedFloats(state));
        try {
            RoundResult r = SparkErrors.unwrap(() -> train.mapPartitionsWithIndex(
                            (idx, it) -> {
                                DataBlock block = it.next();
                                if (block.size() == 0) {
                                    return List.of(RoundResult.nothing()).iterator();
                                }
                                LocalRounds replica = ReplicaPool.borrow(config, backend);
                                try {
                                    return List.of(replica.run(bc.value().values(), block, idx, epoch, round, k, lr))
                                            .iterator();
                                } finally {
                                    ReplicaPool.giveBack(replica, backend);
                                }
                            },
                            true)
                    .treeReduce(RoundResult::merge, 2));
            return r;
        } finally {
            bc.destroy();
        }
    }

    /** Accuracy of {@code state} on the validation blocks, in inference mode. */
    private static double validate(
            JavaSparkContext sc, JavaRDD<DataBlock> validation, float[] state, TrainingConfig config, String backend) {
        Broadcast<PackedFloats> bc = sc.broadcast(new PackedFloats(state));
        try {
            Tuple2<Long, Long> r = SparkErrors.unwrap(() -> validation
                    .map(block -> {
                        if (block.size() == 0) {
                            return new Tuple2<>(0L, 0L);
                        }
                        LocalRounds replica = ReplicaPool.borrow(config, backend);
                        try {
                            replica.loadState(bc.value().values());
                            int[] p = org.sparkdl.core.train.Evaluation.predict(
                                    replica.model(), block.features(), block.size(), 256);
                            long c = 0;
                            for (int i = 0; i < p.length; i++) {
                                c += p[i] == (int) block.labels()[i] ? 1 : 0;
                            }
                            return new Tuple2<>(c, (long) p.length);
                        } finally {
                            ReplicaPool.giveBack(replica, backend);
                        }
                    })
                    .reduce((a, b) -> new Tuple2<>(a._1() + b._1(), a._2() + b._2())));
            return r._1() / (double) Math.max(1, r._2());
        } finally {
            bc.destroy();
        }
    }

    private int[] resolveShape(StructType schema) {
        int[] shape = SchemaChecks.inputShape(est, schema, est.getFeaturesCol());
        if (shape != null) {
            return shape;
        }
        List<Row> first = dataset.select(col(est.getFeaturesCol())).limit(1).collectAsList();
        if (first.isEmpty()) {
            throw new IllegalArgumentException(
                    "the training data is empty: no rows in column '" + est.getFeaturesCol() + "'");
        }
        org.apache.spark.ml.linalg.Vector v =
                (org.apache.spark.ml.linalg.Vector) first.get(0).get(0);
        if (v == null) {
            throw new IllegalArgumentException("column '" + est.getFeaturesCol() + "' is null in row 0");
        }
        return new int[] {v.size()};
    }

    private TrainingConfig config(int[] shape) {
        OptimizerConfig opt = new OptimizerConfig(
                est.getOptimizer(),
                est.getLearningRate(),
                est.getMomentum(),
                est.getBeta1(),
                est.getBeta2(),
                1e-8,
                est.getWeightDecay(),
                est.getL1(),
                est.getL2());
        opt.create(List.of()); // fails now, naming the param, rather than on an executor
        return new TrainingConfig(
                est.getSpec(),
                shape,
                est.getLoss(),
                opt,
                est.getGradientClipNorm(),
                est.getBatchSize(),
                est.getInitializer(),
                est.getSeed());
    }

    /** The per-epoch learning rate from the schedule params. */
    private LearningRateSchedule schedule() {
        double lr = est.getLearningRate();
        int warm = est.getWarmupEpochs();
        int span = Math.max(1, est.getMaxEpochs() - warm);
        LearningRateSchedule s = switch (est.getSchedule().toLowerCase(Locale.ROOT)) {
            case "step" -> LearningRateSchedule.step(lr, est.getScheduleGamma(), est.getScheduleMilestones());
            case "cosine" -> LearningRateSchedule.cosine(lr, span, est.getMinLearningRate());
            case "linear" -> LearningRateSchedule.linear(lr, span, Math.min(1, est.getMinLearningRate() / lr));
            default -> LearningRateSchedule.constant(lr);
        };
        return warm > 0 ? LearningRateSchedule.warmUp(s, warm, est.getWarmupStartFactor()) : s;
    }

    private JavaRDD<Packing.Blocks> pack(int sampleSize, int numClasses) {
        String v = est.isDefined(est.validationIndicatorCol()) ? est.getValidationIndicatorCol() : "";
        Column isValidation = v.isEmpty() ? lit(false) : col(v).cast("boolean");
        Dataset<Row> rows =
                dataset.select(col(est.getFeaturesCol()), col(est.getLabelCol()).cast("double"), isValidation);
        int target = est.getNumPartitions() > 0
                ? est.getNumPartitions()
                : spark.sparkContext().defaultParallelism();
        if (rows.rdd().getNumPartitions() != target) {
            rows = rows.repartition(target);
        }
        Packing packing = new Packing(sampleSize, numClasses, est.getFeaturesCol(), est.getLabelCol());
        JavaRDD<Packing.Blocks> blocks = rows.javaRDD().mapPartitions(packing::pack);
        return blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }

    private Optional<CheckpointStore> checkpoints(TrainingConfig config, int stateSize) {
        if (!est.isDefined(est.checkpointDir()) || est.getCheckpointDir().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new CheckpointStore(spark, est.getCheckpointDir(), config + " state " + stateSize));
    }
}
