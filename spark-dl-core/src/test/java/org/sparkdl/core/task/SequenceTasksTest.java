package org.sparkdl.core.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.ColumnBuilder;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.TaskState;
import org.sparkdl.core.train.TrainingConfig;

/** The sequence tasks on the engine's single-replica side: they learn, and padding changes nothing. */
class SequenceTasksTest {
    /** Windows of {@code width} ids cut in order from a periodic text "abcd abcd ...", ids 1..5. */
    private static DataBlock periodicWindows(int windows, int width) {
        ColumnBuilder b = ColumnBuilder.ints(width);
        int[] w = new int[width];
        int pos = 0;
        for (int i = 0; i < windows; i++) {
            for (int j = 0; j < width; j++) {
                w[j] = 1 + (pos + j) % 5;
            }
            pos += width - 1;
            b.add(w);
        }
        return new DataBlock(Map.of(LanguageModelTask.TOKENS, b.build()));
    }

    @Test
    void aCharacterLanguageModelLearnsAPeriodicTextWithTruncatedBptt() {
        TrainingConfig config = new TrainingConfig(
                "embedding(8, vocab=6) lstm(16) dense(6)",
                new int[] {8},
                "cross_entropy",
                OptimizerConfig.of("adam", 0.02),
                1.0,
                8,
                "xavier_uniform",
                3);
        LanguageModelTaskFactory factory = new LanguageModelTaskFactory(config, true);
        LanguageModelTask task = factory.create(new CpuKernels());
        LocalRounds replica = new LocalRounds(factory, task);
        DataBlock windows = periodicWindows(64, 3 * 8 + 1); // 3 chunks of 8 steps per window
        TaskState state = LocalRounds.initialState(task);
        Figures first = replica.evaluate(state, windows, 0, 16);
        for (int epoch = 0; epoch < 12; epoch++) {
            state = state.apply(replica.run(state, windows, 0, epoch, 0, 0.02, new LocalRounds.Plan(8, 8, 3, 1, 1)));
        }
        Figures last = replica.evaluate(state, windows, 0, 16);
        double before = factory.validationMetrics(first).get(LanguageModelTaskFactory.VALIDATION_LOSS);
        double after = factory.validationMetrics(last).get(LanguageModelTaskFactory.VALIDATION_LOSS);
        assertTrue(before > 1.4 && after < 0.1, "loss per token before " + before + ", after " + after);
        assertEquals(64.0 * 24, last.get(LanguageModelTask.TOKEN_COUNT));
    }

    /** Variable-length sequences pad with their lengths: each sample scores as it does alone. */
    @Test
    void paddedSequencesClassifyAsTheyDoAlone() {
        TrainingConfig config = new TrainingConfig(
                "gru(8) last dense(3)",
                new int[] {6, 2},
                "cross_entropy",
                OptimizerConfig.of("sgd", 0.1),
                0,
                4,
                "xavier_uniform",
                5);
        ClassificationTask task = new ClassificationTaskFactory(config, true).create(new CpuKernels());
        SplittableRandom rng = new SplittableRandom(1);
        int[] lengths = {2, 6, 3, 1};
        ColumnBuilder features = ColumnBuilder.raggedFloats();
        ColumnBuilder labels = ColumnBuilder.floats(1);
        for (int len : lengths) {
            float[] x = new float[len * 2];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) rng.nextDouble(-1, 1);
            }
            features.add(x);
            labels.add(len % 3);
        }
        Map<String, Column> c = new LinkedHashMap<>();
        c.put(Columns.FEATURES, features.build());
        c.put(Columns.LABEL, labels.build());
        DataBlock all = new DataBlock(c);
        Figures together = new Figures();
        task.evaluate(all, together);
        double alone = 0;
        for (int i = 0; i < lengths.length; i++) {
            Figures f = new Figures();
            task.evaluate(one(all, i), f);
            alone += f.get(ClassificationTask.EVAL_LOSS_SUM);
        }
        assertEquals(alone, together.get(ClassificationTask.EVAL_LOSS_SUM), 1e-5);
    }

    private static DataBlock one(DataBlock all, int i) {
        Map<String, Column> c = new LinkedHashMap<>();
        Column f = all.column(Columns.FEATURES);
        float[] x = java.util.Arrays.copyOfRange(f.floats(), f.start(i), f.start(i) + f.length(i));
        c.put(Columns.FEATURES, Column.raggedFloats(x, new int[] {0, x.length}));
        c.put(
                Columns.LABEL,
                Column.floats(new float[] {all.column(Columns.LABEL).floats()[i]}, 1));
        return new DataBlock(c);
    }
}
