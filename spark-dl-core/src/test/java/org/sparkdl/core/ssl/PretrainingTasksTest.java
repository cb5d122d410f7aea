package org.sparkdl.core.ssl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.RoundResult;
import org.sparkdl.core.train.TaskState;
import org.sparkdl.core.train.TrainingConfig;

/**
 * The pretraining tasks on the engine's single-replica side: every method steps reproducibly, the
 * state slots say what is averaged and what stays per partition (checked over 3 partitions), and
 * the methods learn on small synthetic images.
 */
class PretrainingTasksTest {
    private static final String ENCODER = "conv(8,3,pad=1) relu maxpool(2) flatten dense(16)";
    private static final int SIDE = 12;

    /**
     * Images of two classes: bright horizontal (class 0) or vertical (class 1) bars at random
     * offsets, over a top-to-bottom gradient (so that a rotation is visible), plus noise.
     */
    static DataBlock images(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        ColumnBuilder x = ColumnBuilder.floats(SIDE * SIDE);
        ColumnBuilder y = ColumnBuilder.floats(1);
        for (int i = 0; i < n; i++) {
            int label = i % 2;
            int at = rng.nextInt(2, SIDE - 3);
            float[] img = new float[SIDE * SIDE];
            for (int r = 0; r < SIDE; r++) {
                for (int c = 0; c < SIDE; c++) {
                    boolean bar = label == 0 ? r >= at && r < at + 2 : c >= at && c < at + 2;
                    img[r * SIDE + c] = (bar ? 1f : 0f) + 0.5f * r / SIDE + (float) rng.nextGaussian() * 0.05f;
                }
            }
            x.add(img);
            y.add(label);
        }
        return new DataBlock(Map.of(Columns.FEATURES, x.build(), Columns.LABEL, y.build()));
    }

    static PretrainingConfig config(PretrainingMethod method, int batch) {
        TrainingConfig encoder = new TrainingConfig(
                ENCODER,
                new int[] {1, SIDE, SIDE},
                "cross_entropy",
                OptimizerConfig.of("adam", 3e-3),
                0,
                batch,
                "he_normal",
                7);
        Augmentation global = Augmentation.simclr().withCropScale(0.5, 1);
        return new PretrainingConfig(
                method,
                encoder,
                8,
                0,
                method == PretrainingMethod.DINO ? 0.1 : 0.5,
                TeacherTemperature.constant(0.04),
                0.9,
                MomentumSchedule.CONSTANT,
                0.9,
                64,
                2,
                global,
                global.withCropScale(0.2, 0.5));
    }

    @ParameterizedTest
    @EnumSource(PretrainingMethod.class)
    void everyMethodStepsReproduciblyWithAFiniteLoss(PretrainingMethod method) {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(method, 16), true);
        DataBlock data = images(48, 1);
        float[][] after = null;
        double loss = Double.NaN;
        for (int run = 0; run < 2; run++) {
            PretrainingTask task = factory.create(new CpuKernels());
            LocalRounds replica = new LocalRounds(factory, task);
            TaskState start = LocalRounds.initialState(task);
            RoundResult r = replica.run(start, data, 0, 0, 0, 3e-3, new LocalRounds.Plan(16, 3, 5, 1, 1));
            double l = r.figures().get(Figures.LOSS_SUM);
            assertTrue(Double.isFinite(l) && l > 0, method + " loss " + l);
            assertTrue(r.figures().get(PretrainingTask.EMBEDDING_STD_SUM) > 0, "collapse figure reported");
            assertFalse(
                    java.util.Arrays.equals(start.get(PretrainingTask.MODEL), r.values()[0]), "the network trained");
            if (after == null) {
                after = r.values();
                loss = l;
            } else {
                assertEquals(loss, l, 0, "same seed, same loss");
                for (int s = 0; s < after.length; s++) {
                    assertArrayEquals(after[s], r.values()[s], 0, "slot " + s + " reproducible");
                }
            }
        }
    }

    @Test
    void slotsSayWhatIsAveragedAndWhatStaysWithItsPartition() {
        var moco = new PretrainingTaskFactory(config(PretrainingMethod.MOCO, 16), false)
                .create(new CpuKernels())
                .layout();
        assertEquals(
                MergeRule.AVERAGE,
                moco.slot(moco.indexOf(PretrainingTask.MODEL)).rule());
        assertEquals(
                MergeRule.LOCAL,
                moco.slot(moco.indexOf(PretrainingTask.OPTIMIZER)).rule());
        assertEquals(
                MergeRule.AVERAGE, moco.slot(moco.indexOf(MocoTask.KEY_NETWORK)).rule());
        assertEquals(MergeRule.LOCAL, moco.slot(moco.indexOf(MocoTask.QUEUE)).rule());
        var dino = new PretrainingTaskFactory(config(PretrainingMethod.DINO, 16), true)
                .create(new CpuKernels())
                .layout();
        assertEquals(
                MergeRule.AVERAGE, dino.slot(dino.indexOf(DinoTask.TEACHER)).rule());
        assertEquals(MergeRule.AVERAGE, dino.slot(dino.indexOf(DinoTask.CENTER)).rule());
        assertEquals(
                MergeRule.AVERAGE,
                dino.slot(dino.indexOf(PretrainingTask.OPTIMIZER)).rule());
    }

    /**
     * DINO reports the mean entropy of its teacher's targets, which only DINO has; near ln K it is
     * DINO's own collapse, called so by {@code uniformTeacher}.
     */
    @Test
    void dinoReportsItsTeachersEntropyAndAUniformTeacherIsCalledSo() {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(PretrainingMethod.DINO, 16), true);
        PretrainingTask task = factory.create(new CpuKernels());
        Figures figures = new Figures();
        figures.add(Figures.LOSS_SUM, task.step(images(16, 8), figures)).add(Figures.STEPS, 1);
        int k = factory.config().projectionSize();
        double entropy = factory.trainingMetrics(figures).get(PretrainingTaskFactory.TEACHER_ENTROPY);
        assertTrue(entropy > 0 && entropy <= Math.log(k) + 1e-6, "entropy " + entropy + " of " + k + " outputs");
        assertFalse(new PretrainingTaskFactory(config(PretrainingMethod.SIMCLR, 16), true)
                .trainingMetrics(figures)
                .containsKey(PretrainingTaskFactory.TEACHER_ENTROPY));

        assertTrue(PretrainingTaskFactory.uniformTeacher(Math.log(2048), 2048));
        assertTrue(PretrainingTaskFactory.uniformTeacher(0.96 * Math.log(2048), 2048));
        assertFalse(PretrainingTaskFactory.uniformTeacher(0.9 * Math.log(2048), 2048));
        assertFalse(PretrainingTaskFactory.uniformTeacher(Double.NaN, 2048), "no figure, no warning");
    }

    /**
     * DINO's model is its teacher: the embedding slot is the teacher's, evaluation scores the
     * teacher's embeddings (k-NN recomputed here from that slot's encoder) and reports the student's
     * beside them.
     */
    @Test
    void dinoKeepsAndEvaluatesItsTeacher() {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(PretrainingMethod.DINO, 16), true);
        PretrainingTask task = factory.create(new CpuKernels());
        assertEquals(DinoTask.TEACHER, task.embeddingSlot());
        PretrainingTaskFactory simclr = new PretrainingTaskFactory(config(PretrainingMethod.SIMCLR, 16), true);
        assertEquals(PretrainingTask.MODEL, simclr.create(new CpuKernels()).embeddingSlot());
        LocalRounds replica = new LocalRounds(factory, task);
        TaskState state = LocalRounds.initialState(task);
        state = state.apply(replica.run(state, images(64, 6), 0, 0, 0, 3e-3, new LocalRounds.Plan(16, 4, 5, 1, 1)));
        DataBlock validation = images(120, 7);
        Map<String, Double> metrics = factory.validationMetrics(replica.evaluate(state, validation, 0, 1024));
        float[] labels = validation.column(Columns.LABEL).floats();
        double[] knn = new double[2];
        String[] slots = {DinoTask.TEACHER, PretrainingTask.MODEL};
        float[][] encoders = new float[2][];
        for (int i = 0; i < 2; i++) {
            var encoder = factory.config().encoder().buildModel(new CpuKernels());
            encoders[i] = java.util.Arrays.copyOf(state.get(slots[i]), encoder.stateSize());
            encoder.loadState(encoders[i]);
            var h = encoder.forward(validation.tensor(Columns.FEATURES, new int[] {1, SIDE, SIDE}), false);
            knn[i] = EmbeddingFigures.knnCorrect(h, labels, PretrainingTask.KNN_NEIGHBOURS) / (double) labels.length;
        }
        assertFalse(java.util.Arrays.equals(encoders[0], encoders[1]), "the teacher lags the student");
        assertEquals(knn[0], metrics.get(PretrainingTaskFactory.KNN_ACCURACY), 1e-12, "k-NN of the teacher");
        assertEquals(knn[1], metrics.get(PretrainingTaskFactory.STUDENT_KNN_ACCURACY), 1e-12, "k-NN of the student");
        assertFalse(
                simclr.validationMetrics(new Figures()).containsKey(PretrainingTaskFactory.STUDENT_KNN_ACCURACY),
                "only DINO reports a student");
    }

    /**
     * With the cosine schedule the teacher follows the student with the momentum of the fit's
     * progress: after one step of epoch 1 of 4, teacher = m·(initial) + (1 − m)·student, m = 1 −
     * 0.1·(1 + cos(π/4))/2 for a base of 0.9.
     */
    @Test
    void theTeachersMomentumFollowsItsScheduleOverTheFit() {
        PretrainingConfig base = config(PretrainingMethod.DINO, 16);
        PretrainingConfig cosine =
                variant(base, base.headHiddenSize(), base.teacherTemperature(), MomentumSchedule.COSINE);
        PretrainingTaskFactory factory = new PretrainingTaskFactory(cosine, true);
        PretrainingTask task = factory.create(new CpuKernels());
        LocalRounds replica = new LocalRounds(factory, task);
        TaskState start = LocalRounds.initialState(task);
        RoundResult r = replica.run(start, images(16, 3), 0, 1, 0, 3e-3, new LocalRounds.Plan(16, 1, 5, 4, 1));
        double m = 1 - 0.1 * (1 + Math.cos(Math.PI / 4)) / 2;
        assertEquals(m, task.followerMomentum(), 1e-15);
        float mf = (float) m;
        float[] initial = start.get(DinoTask.TEACHER);
        float[] student = r.values()[start.layout().indexOf(PretrainingTask.MODEL)];
        float[] teacher = r.values()[start.layout().indexOf(DinoTask.TEACHER)];
        float[] expected = new float[teacher.length];
        for (int j = 0; j < expected.length; j++) {
            expected[j] = mf * initial[j] + (1 - mf) * student[j];
        }
        assertFalse(java.util.Arrays.equals(initial, student), "the student moved");
        assertArrayEquals(expected, teacher, 1e-7f, "teacher = m·initial + (1 − m)·student");
    }

    /**
     * With a warm-up the teacher's temperature follows the fit's progress: a round a quarter into the
     * fit of a 0.02 → 0.1 warm-up over half of it runs as a constant 0.06 does, a round three
     * quarters in as a constant 0.1.
     */
    @Test
    void theTeachersTemperatureWarmsUpOverTheFit() {
        PretrainingConfig base = config(PretrainingMethod.DINO, 16);
        PretrainingConfig warm = withTeacherTemperature(base, new TeacherTemperature(0.02, 0.1, 0.5));
        double quarter = dinoRoundEntropy(warm, 1);
        assertEquals(
                dinoRoundEntropy(withTeacherTemperature(base, TeacherTemperature.constant(0.06)), 1), quarter, 1e-6);
        double end = dinoRoundEntropy(withTeacherTemperature(base, TeacherTemperature.constant(0.1)), 3);
        assertEquals(end, dinoRoundEntropy(warm, 3), 1e-6);
        assertTrue(end > quarter + 1e-3, "a softer teacher has more entropy: " + end + " against " + quarter);
    }

    /** The teacher's mean entropy over one step at the start of epoch {@code epoch} of 4. */
    private static double dinoRoundEntropy(PretrainingConfig config, int epoch) {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config, true);
        PretrainingTask task = factory.create(new CpuKernels());
        RoundResult r = new LocalRounds(factory, task)
                .run(
                        LocalRounds.initialState(task),
                        images(16, 3),
                        0,
                        epoch,
                        0,
                        3e-3,
                        new LocalRounds.Plan(16, 1, 5, 4, 1));
        return factory.trainingMetrics(r.figures()).get(PretrainingTaskFactory.TEACHER_ENTROPY);
    }

    /** Three partitions, one MoCo round each, merged as the driver merges them. */
    @Test
    void threePartitionsAverageTheKeyNetworkAndKeepTheirOwnQueues() {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(PretrainingMethod.MOCO, 8), true);
        TaskState state = LocalRounds.initialState(factory.create(new CpuKernels()));
        List<RoundResult> results = new java.util.ArrayList<>();
        for (int p = 0; p < 3; p++) {
            LocalRounds replica = new LocalRounds(factory, factory.create(new CpuKernels()));
            results.add(replica.run(state, images(16, 10 + p), p, 0, 0, 3e-3, new LocalRounds.Plan(8, 2, 5, 1, 1)));
        }
        RoundResult merged = RoundResult.merge(RoundResult.merge(results.get(0), results.get(1)), results.get(2));
        TaskState next = state.apply(merged);
        int key = next.layout().indexOf(MocoTask.KEY_NETWORK);
        int queue = next.layout().indexOf(MocoTask.QUEUE);
        float[] mean = new float[results.get(0).values()[key].length];
        for (RoundResult r : results) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += r.values()[key][j] / 3;
            }
        }
        assertArrayEquals(mean, next.get(MocoTask.KEY_NETWORK), 1e-5f, "key network averaged (equal weights)");
        for (int p = 0; p < 3; p++) {
            float[] own = next.view(p)[queue];
            assertArrayEquals(
                    results.get(p).localValues().get(p)[queue], own, 0, "partition " + p + " keeps its queue");
            assertEquals(16, own[own.length - 2], "16 keys queued by partition " + p);
        }
        assertFalse(java.util.Arrays.equals(next.view(0)[queue], next.view(1)[queue]), "queues differ by partition");
    }

    /** SimCLR's loss falls and its embeddings separate the two classes better than at the start. */
    @Test
    void simclrLearnsEmbeddingsThatSeparateTheClasses() {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(PretrainingMethod.SIMCLR, 32), true);
        PretrainingTask task = factory.create(new CpuKernels());
        LocalRounds replica = new LocalRounds(factory, task);
        DataBlock train = images(256, 3);
        DataBlock validation = images(200, 4);
        TaskState state = LocalRounds.initialState(task);
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        for (int epoch = 0; epoch < 6; epoch++) {
            RoundResult r = replica.run(state, train, 0, epoch, 0, 3e-3, new LocalRounds.Plan(32, 8, 5, 1, 1));
            double loss = r.figures().ratio(Figures.LOSS_SUM, Figures.STEPS);
            firstLoss = epoch == 0 ? loss : firstLoss;
            lastLoss = loss;
            state = state.apply(r);
        }
        Map<String, Double> after = factory.validationMetrics(replica.evaluate(state, validation, 0, 1024));
        assertTrue(lastLoss < firstLoss - 0.1, "loss " + firstLoss + " -> " + lastLoss);
        assertTrue(after.get(PretrainingTaskFactory.KNN_ACCURACY) >= 0.9, "kNN accuracy " + after);
        assertFalse(PretrainingTaskFactory.collapsed(after.get(PretrainingTaskFactory.VALIDATION_EMBEDDING_STD), 16));
    }

    /** The rotation head learns to tell the four turns apart (chance: 0.25). */
    @Test
    void rotationPredictionLearnsTheTurns() {
        PretrainingTaskFactory factory = new PretrainingTaskFactory(config(PretrainingMethod.ROTATION, 32), true);
        PretrainingTask task = factory.create(new CpuKernels());
        LocalRounds replica = new LocalRounds(factory, task);
        DataBlock train = images(256, 5);
        TaskState state = LocalRounds.initialState(task);
        Map<String, Double> metrics = Map.of();
        for (int epoch = 0; epoch < 4; epoch++) {
            RoundResult r = replica.run(state, train, 0, epoch, 0, 3e-3, new LocalRounds.Plan(32, 8, 5, 1, 1));
            metrics = factory.trainingMetrics(r.figures());
            state = state.apply(r);
        }
        assertTrue(metrics.get(PretrainingTaskFactory.ROTATION_ACCURACY) > 0.6, metrics.toString());
    }

    @Test
    void embeddingFigures() {
        float[] same = {1, 2, 1, 2, 1, 2, 1, 2};
        assertEquals(0, EmbeddingFigures.normalizedStd(org.sparkdl.core.tensor.Tensor.of(same, 4, 2)), 1e-7);
        float[] spread = {1, 0, 0, 1, -1, 0, 0, -1};
        // each coordinate of the normalised rows is 1, 0, -1, 0 in some order: deviation sqrt(1/2)
        assertEquals(
                Math.sqrt(0.5), EmbeddingFigures.normalizedStd(org.sparkdl.core.tensor.Tensor.of(spread, 4, 2)), 1e-6);
        float[] clusters = {1, 0.1f, 1, -0.1f, 0.9f, 0, -1, 0.1f, -1, 0, -0.9f, -0.1f};
        float[] labels = {0, 0, 0, 1, 1, 1};
        assertEquals(6, EmbeddingFigures.knnCorrect(org.sparkdl.core.tensor.Tensor.of(clusters, 6, 2), labels, 2));
        // labels against the clusters: with one neighbour only rows 3 and 4 (each other's nearest) are right
        float[] flipped = {1, 1, 0, 0, 0, 1};
        assertEquals(2, EmbeddingFigures.knnCorrect(org.sparkdl.core.tensor.Tensor.of(clusters, 6, 2), flipped, 1));
        float[] unlabelled = {0, 0, -1, 1, 1, -1};
        assertEquals(4, EmbeddingFigures.knnCorrect(org.sparkdl.core.tensor.Tensor.of(clusters, 6, 2), unlabelled, 2));
    }

    /** headHiddenSize widens the head's first layer; 0 keeps it as wide as the embedding. */
    @ParameterizedTest
    @EnumSource(PretrainingMethod.class)
    void theHeadsHiddenLayerIsAsWideAsAsked(PretrainingMethod method) {
        PretrainingConfig base = config(method, 16);
        PretrainingConfig wide = withHeadHiddenSize(base, 40);
        if (method == PretrainingMethod.ROTATION) {
            assertEquals("relu dense(4)", wide.headSpec(12), "the rotation head has no hidden layer");
            return;
        }
        String narrow = method == PretrainingMethod.DINO
                ? "relu dense(12) relu dense(12) l2norm prototypes(8)"
                : "relu dense(12) relu dense(8)";
        assertEquals(narrow, base.headSpec(12));
        assertEquals(narrow.replaceFirst("dense\\(12\\)", "dense(40)"), wide.headSpec(12));
        // the wider head is trained: the task's state holds its 40-wide layers
        int narrowState = modelSize(base);
        int wideState = modelSize(wide);
        assertTrue(wideState > narrowState, wideState + " <= " + narrowState);
        var negative = assertThrows(IllegalArgumentException.class, () -> withHeadHiddenSize(base, -1));
        assertTrue(negative.getMessage().contains("headHiddenSize"), negative.getMessage());
    }

    private static int modelSize(PretrainingConfig c) {
        var layout =
                new PretrainingTaskFactory(c, true).create(new CpuKernels()).layout();
        return layout.slot(layout.indexOf(PretrainingTask.MODEL)).size();
    }

    private static PretrainingConfig withHeadHiddenSize(PretrainingConfig c, int width) {
        return variant(c, width, c.teacherTemperature(), c.momentumSchedule());
    }

    /** {@code c} with another head width, teacher temperature and momentum schedule. */
    private static PretrainingConfig variant(
            PretrainingConfig c, int headHiddenSize, TeacherTemperature t, MomentumSchedule schedule) {
        return new PretrainingConfig(
                c.method(),
                c.encoder(),
                c.projectionSize(),
                headHiddenSize,
                c.temperature(),
                t,
                c.momentum(),
                schedule,
                c.centerMomentum(),
                c.queueSize(),
                c.localCrops(),
                c.globalViews(),
                c.localViews());
    }

    private static PretrainingConfig withTeacherTemperature(PretrainingConfig c, TeacherTemperature t) {
        return variant(c, c.headHiddenSize(), t, c.momentumSchedule());
    }

    @Test
    void badConfigurationsAreNamed() {
        var simclr = config(PretrainingMethod.SIMCLR, 16);
        var e = assertThrows(IllegalArgumentException.class, () -> config(PretrainingMethod.SIMCLR, 1));
        assertTrue(e.getMessage().contains("batchSize 1") && e.getMessage().contains("at least 2"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new PretrainingConfig(
                        PretrainingMethod.MOCO,
                        simclr.encoder(),
                        8,
                        0,
                        0.5,
                        TeacherTemperature.constant(0.04),
                        0.9,
                        MomentumSchedule.CONSTANT,
                        0.9,
                        8,
                        2,
                        simclr.globalViews(),
                        simclr.localViews()));
        assertTrue(e.getMessage().contains("queueSize 8 is smaller than batchSize 16"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new PretrainingConfig(
                        PretrainingMethod.SIMCLR,
                        simclr.encoder(),
                        8,
                        0,
                        0,
                        TeacherTemperature.constant(0.04),
                        0.9,
                        MomentumSchedule.CONSTANT,
                        0.9,
                        64,
                        2,
                        simclr.globalViews(),
                        simclr.localViews()));
        assertTrue(e.getMessage().contains("temperature must be > 0"), e.getMessage());
        TrainingConfig flat = new TrainingConfig(
                "dense(4)", new int[] {144}, "cross_entropy", OptimizerConfig.of("adam", 1e-3), 0, 16, "he_normal", 1);
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new PretrainingConfig(
                        PretrainingMethod.SIMCLR,
                        flat,
                        8,
                        0,
                        0.5,
                        TeacherTemperature.constant(0.04),
                        0.9,
                        MomentumSchedule.CONSTANT,
                        0.9,
                        64,
                        2,
                        simclr.globalViews(),
                        simclr.localViews()));
        assertTrue(e.getMessage().contains("C,H,W"), e.getMessage());
        TrainingConfig wide = new TrainingConfig(
                ENCODER,
                new int[] {1, 12, 16},
                "cross_entropy",
                OptimizerConfig.of("adam", 1e-3),
                0,
                16,
                "he_normal",
                1);
        e = assertThrows(
                IllegalArgumentException.class,
                () -> new PretrainingConfig(
                        PretrainingMethod.ROTATION,
                        wide,
                        8,
                        0,
                        0.5,
                        TeacherTemperature.constant(0.04),
                        0.9,
                        MomentumSchedule.CONSTANT,
                        0.9,
                        64,
                        2,
                        simclr.globalViews(),
                        simclr.localViews()));
        assertTrue(e.getMessage().contains("square"), e.getMessage());
        TrainingConfig spatial = new TrainingConfig(
                "conv(4,3)",
                new int[] {1, 12, 12},
                "cross_entropy",
                OptimizerConfig.of("adam", 1e-3),
                0,
                16,
                "he_normal",
                1);
        PretrainingTaskFactory notFlat = new PretrainingTaskFactory(
                new PretrainingConfig(
                        PretrainingMethod.SIMCLR,
                        spatial,
                        8,
                        0,
                        0.5,
                        TeacherTemperature.constant(0.04),
                        0.9,
                        MomentumSchedule.CONSTANT,
                        0.9,
                        64,
                        2,
                        simclr.globalViews(),
                        simclr.localViews()),
                true);
        e = assertThrows(IllegalArgumentException.class, () -> notFlat.create(new CpuKernels()));
        assertTrue(e.getMessage().contains("flat embedding"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PretrainingMethod.parse("byol"));
    }
}
