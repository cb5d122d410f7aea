package org.sparkdl.spark.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.TaskFactory;
import org.sparkdl.core.train.TrainingTask;
import org.sparkdl.spark.SparkTestSession;

/**
 * The engine with a task that is not a classifier: an MLP regressing a linear target with mean
 * squared error, on 3 partitions of unequal size, with a slot of every merge rule.
 */
class EngineTest {
    private static final int INPUTS = 4;
    private static final float[] TRUE_W = {0.5f, -1f, 2f, 0.25f};

    /** MLP regression; besides the model, three probe slots show how each merge rule behaves. */
    static final class Regression implements TrainingTask {
        private final Sequential model;
        private final Optimizer optimizer;
        private final StateLayout layout;
        private float seen;
        private float steps;
        private float lastPartition;

        Regression(Kernels kernels) {
            this.model = ModelSpec.parse("dense(8) tanh dense(1)").build(new int[] {INPUTS}, kernels, 5);
            this.optimizer = OptimizerConfig.of("sgd", 0.05).create(model.params());
            this.layout = StateLayout.of(
                    new StateSlot("model", model.stateSize(), MergeRule.AVERAGE),
                    new StateSlot("lastPartition", 1, MergeRule.AVERAGE),
                    new StateSlot("steps", 1, MergeRule.SUM),
                    new StateSlot("seen", 1, MergeRule.LOCAL));
        }

        @Override
        public StateLayout layout() {
            return layout;
        }

        @Override
        public void saveState(float[][] s) {
            model.copyStateTo(s[0]);
            s[1][0] = lastPartition;
            s[2][0] = steps;
            s[3][0] = seen;
        }

        @Override
        public void loadState(float[][] s) {
            model.loadState(s[0], 0);
            lastPartition = s[1][0];
            steps = s[2][0];
            seen = s[3][0];
        }

        @Override
        public void setLearningRate(double lr) {
            optimizer.setLearningRate(lr);
        }

        @Override
        public void reseed(long seed) {}

        @Override
        public double step(DataBlock batch, Figures figures) {
            model.zeroGrad();
            Tensor y = model.forward(batch.tensor(Columns.FEATURES, new int[] {INPUTS}), true);
            float[] t = batch.column(Columns.LABEL).floats();
            float[] g = new float[t.length];
            double sq = 0;
            for (int i = 0; i < t.length; i++) {
                double d = y.data()[i] - t[i];
                sq += d * d;
                g[i] = (float) (2 * d / t.length); // d/dy of mean((y - t)²)
            }
            model.backward(Tensor.of(g, t.length, 1));
            optimizer.step();
            figures.add("squaredError", sq);
            seen += t.length;
            steps++;
            lastPartition = org.apache.spark.TaskContext.getPartitionId(); // replicas serve any partition
            return sq / t.length;
        }

        @Override
        public void evaluate(DataBlock batch, Figures figures) {
            Tensor y = model.forward(batch.tensor(Columns.FEATURES, new int[] {INPUTS}), false);
            float[] t = batch.column(Columns.LABEL).floats();
            for (int i = 0; i < t.length; i++) {
                double d = y.data()[i] - t[i];
                figures.add("squaredError", d * d);
            }
        }
    }

    /** The regression task's factory. */
    record RegressionFactory() implements TaskFactory {
        @Override
        public TrainingTask create(Kernels kernels) {
            return new Regression(kernels);
        }

        @Override
        public String key() {
            return "regression-test";
        }

        @Override
        public Map<String, Double> trainingMetrics(Figures sums) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put(TrainingSummary.TRAINING_LOSS, sums.ratio(Figures.LOSS_SUM, Figures.STEPS));
            m.put("trainingRmse", Math.sqrt(sums.ratio("squaredError", Figures.SAMPLES)));
            return m;
        }

        @Override
        public Map<String, Double> validationMetrics(Figures sums) {
            return Map.of("validationRmse", Math.sqrt(sums.ratio("squaredError", Figures.SAMPLES)));
        }

        @Override
        public String validationMetric() {
            return "validationRmse";
        }

        @Override
        public boolean largerIsBetter() {
            return false;
        }
    }

    /** Packs {@code (array<double> x, double y, boolean isValidation)} rows. */
    static final class RegressionPacker implements RowPacker {
        @Override
        public Map<String, ColumnBuilder> newColumns() {
            Map<String, ColumnBuilder> c = new LinkedHashMap<>();
            c.put(Columns.FEATURES, ColumnBuilder.floats(INPUTS));
            c.put(Columns.LABEL, ColumnBuilder.floats(1));
            return c;
        }

        @Override
        public void add(Row row, long rowNumber, Map<String, ColumnBuilder> columns) {
            List<Double> x = row.getList(0);
            float[] f = new float[INPUTS];
            for (int i = 0; i < INPUTS; i++) {
                f[i] = x.get(i).floatValue();
            }
            columns.get(Columns.FEATURES).add(f);
            columns.get(Columns.LABEL).add((float) row.getDouble(1));
        }
    }

    /** Three partitions of 50, 100 and 200 training rows (plus 20 validation rows each when asked). */
    static Dataset<Row> data(boolean withValidation) {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("y", DataTypes.DoubleType)
                .add("isValidation", DataTypes.BooleanType);
        int[] sizes = {50, 100, 200};
        int extra = withValidation ? 20 : 0;
        org.apache.spark.api.java.JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(0, 1, 2), 3)
                .flatMap(p -> {
                    SplittableRandom rng = new SplittableRandom(p);
                    List<Row> out = new ArrayList<>();
                    for (int i = 0; i < sizes[p] + extra; i++) {
                        double[] x = new double[INPUTS];
                        double y = 0.5;
                        for (int j = 0; j < INPUTS; j++) {
                            x[j] = rng.nextDouble(-1, 1);
                            y += TRUE_W[j] * x[j];
                        }
                        out.add(RowFactory.create(x, y, i >= sizes[p]));
                    }
                    return out.iterator();
                });
        return spark.createDataFrame(rows, schema);
    }

    static TrainingPlan plan(int epochs, int patience) {
        return new TrainingPlan(
                epochs,
                4,
                50,
                3,
                LearningRateSchedule.constant(0.2),
                "cpu",
                patience,
                null,
                1,
                false,
                10,
                "EngineTest_1");
    }

    @Test
    void aRegressionTaskTrainsAndEachSlotMergesByItsRule() {
        TrainingData data = TrainingData.pack(
                data(true), new RegressionPacker(), new DataLayout(3, DataLayout.DEFAULT_CHUNK_BYTES));
        try {
            assertEquals(3, data.partitions());
            assertEquals(350, data.trainRows());
            assertEquals(60, data.validationRows());
            int epochs = 6;
            TrainingResult r = ParameterAveraging.train(data, new RegressionFactory(), plan(epochs, 0));
            double[] loss = r.summary().trainingLossHistory();
            double[] rmse = r.summary().history("validationRmse");
            assertTrue(loss[epochs - 1] < loss[0] / 2, "training loss per epoch " + java.util.Arrays.toString(loss));
            assertTrue(rmse[epochs - 1] < 0.5, "validation RMSE per epoch " + java.util.Arrays.toString(rmse));

            // One round per epoch (4 local steps of 50 rows): partitions step 1, 2 and 4 times.
            // AVERAGE: the partitions' indices weighted by the samples each trained on.
            assertArrayEquals(
                    new float[] {(0 * 50 + 1 * 100 + 2 * 200) / 350f}, r.state().get("lastPartition"), 1e-6f);
            // SUM: every partition's steps added up, over all epochs.
            assertArrayEquals(new float[] {7f * epochs}, r.state().get("steps"));
            // LOCAL: each partition's own count, never averaged; the initial value untouched.
            Map<Integer, float[][]> local = r.state().localValues();
            int seen = r.state().layout().indexOf("seen");
            assertEquals(50f * epochs, local.get(0)[seen][0]);
            assertEquals(100f * epochs, local.get(1)[seen][0]);
            assertEquals(200f * epochs, local.get(2)[seen][0]);
            assertArrayEquals(new float[] {0f}, r.state().get("seen"));
        } finally {
            data.release();
        }
    }

    /** The same rows as {@link RegressionPacker}, declaring 100 bytes a row so that a small chunk size splits them. */
    static final class SizedRegressionPacker implements RowPacker {
        private final RegressionPacker packer = new RegressionPacker();

        @Override
        public Map<String, ColumnBuilder> newColumns() {
            return packer.newColumns();
        }

        @Override
        public void add(Row row, long rowNumber, Map<String, ColumnBuilder> columns) {
            packer.add(row, rowNumber, columns);
        }

        @Override
        public long maxBytesPerRow() {
            return 100;
        }
    }

    @Test
    void dataInMoreChunksThanReplicasIsTrainedByEachReplicaInTurn() {
        // 410 rows of 100 bytes on 2 replicas in chunks of at most 7,000 bytes: 3 chunks a replica.
        TrainingData data = TrainingData.pack(data(true), new SizedRegressionPacker(), new DataLayout(2, 7_000));
        try {
            assertEquals(6, data.partitions());
            assertEquals(2, data.replicas());
            assertEquals(350, data.trainRows());
            int epochs = 4;
            TrainingResult r = ParameterAveraging.train(data, new RegressionFactory(), plan(epochs, 0));
            double[] rmse = r.summary().history("validationRmse");
            assertTrue(rmse[epochs - 1] < 0.5, "validation RMSE per epoch " + java.util.Arrays.toString(rmse));
            // LOCAL slots belong to the 2 replicas, not the 6 chunks; together they saw every sample each epoch.
            Map<Integer, float[][]> local = r.state().localValues();
            int seen = r.state().layout().indexOf("seen");
            assertEquals(java.util.Set.of(0, 1), local.keySet());
            assertEquals(350f * epochs, local.get(0)[seen][0] + local.get(1)[seen][0]);
            // SUM: every chunk's batches of 50, each epoch.
            long batches = java.util.Arrays.stream(data.chunkTrainRows())
                    .map(n -> org.sparkdl.core.train.LocalRounds.batchesPerEpoch(n, 50))
                    .sum();
            assertArrayEquals(new float[] {batches * epochs}, r.state().get("steps"));
            // Where the data is: all 6 chunks cached, and this small data all in memory.
            assertEquals(6.0, r.summary().dataFigure(TrainingSummary.DATA_CHUNKS));
            assertEquals(2.0, r.summary().dataFigure(TrainingSummary.DATA_REPLICAS));
            assertEquals(
                    410 * 5 * 4.0,
                    r.summary().dataFigure(TrainingSummary.DATA_PACKED_BYTES),
                    r.summary().data().toString());
            assertTrue(
                    r.summary().dataFigure(TrainingSummary.DATA_MEMORY_BYTES) > 0,
                    r.summary().data().toString());
            assertEquals(0.0, r.summary().dataFigure(TrainingSummary.DATA_DISK_BYTES));
        } finally {
            data.release();
        }
    }

    /**
     * An input already in as many partitions as chunks, but unbalanced (the last partition only
     * validation rows, as a union of a training and a test table is): more chunks than replicas
     * are dealt round-robin, so that every chunk, and so every replica, gets its share.
     */
    @Test
    void moreChunksThanReplicasAreBalancedWhateverTheInputPartitions() {
        SparkSession spark = SparkTestSession.get();
        StructType schema = new StructType()
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("y", DataTypes.DoubleType)
                .add("isValidation", DataTypes.BooleanType);
        org.apache.spark.api.java.JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(List.of(0, 1, 2, 3), 4)
                .mapPartitionsWithIndex(
                        (p, it) -> {
                            List<Row> out = new ArrayList<>();
                            for (int i = 0; i < 100; i++) {
                                out.add(RowFactory.create(new double[] {0.1 * i, 0.2, 0.3, 0.4}, 1.0, p == 3));
                            }
                            return out.iterator();
                        },
                        true);
        // 400 rows of 100 bytes on 2 replicas in chunks of at most 10,000 bytes: 4 chunks.
        TrainingData data = TrainingData.pack(
                spark.createDataFrame(rows, schema), new SizedRegressionPacker(), new DataLayout(2, 10_000));
        try {
            assertEquals(4, data.partitions());
            long[] train = data.chunkTrainRows();
            for (long n : train) {
                assertTrue(
                        Math.abs(n - 75) <= 2, "300 training rows over 4 chunks: " + java.util.Arrays.toString(train));
            }
        } finally {
            data.release();
        }
    }

    @Test
    void earlyStoppingKeepsTheBestEpochAndSaysWhich() {
        TrainingData data = TrainingData.pack(
                data(true), new RegressionPacker(), new DataLayout(3, DataLayout.DEFAULT_CHUNK_BYTES));
        try {
            // A learning rate this high makes the validation RMSE bounce: patience 1 stops at the first rise.
            TrainingPlan plan = new TrainingPlan(
                    30, 4, 50, 3, LearningRateSchedule.constant(0.6), "cpu", 1, null, 1, false, 10, "EngineTest_2");
            TrainingResult r = ParameterAveraging.train(data, new RegressionFactory(), plan);
            TrainingSummary s = r.summary();
            double[] rmse = s.history("validationRmse");
            int best = s.bestEpoch();
            assertTrue(s.stoppedEarly(), "stopped early: " + java.util.Arrays.toString(rmse));
            assertEquals(best + 1, s.totalEpochs(), "patience 1: one epoch after the best");
            for (double v : rmse) {
                assertTrue(rmse[best - 1] <= v, "epoch " + best + " is the best of " + java.util.Arrays.toString(rmse));
            }
            // The kept state is the best epoch's: the SUM slot counts 7 steps per epoch up to it.
            assertArrayEquals(
                    new float[] {7f * best}, r.state().get("steps"), s.epochs().toString());
        } finally {
            data.release();
        }
    }

    @Test
    void earlyStoppingWithoutAValidationSetIsRefusedBeforeTraining() {
        TrainingData data = TrainingData.pack(
                data(false), new RegressionPacker(), new DataLayout(3, DataLayout.DEFAULT_CHUNK_BYTES));
        try {
            var e = assertThrows(
                    IllegalArgumentException.class,
                    () -> ParameterAveraging.train(data, new RegressionFactory(), plan(3, 2)));
            assertTrue(e.getMessage().contains("validationIndicatorCol"), e.getMessage());
        } finally {
            data.release();
        }
    }
}
