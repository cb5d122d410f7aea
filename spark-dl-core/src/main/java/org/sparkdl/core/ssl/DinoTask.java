package org.sparkdl.core.ssl;

import java.util.List;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.DinoLoss;
import org.sparkdl.core.nn.Chain;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateSlot;

/**
 * DINO: the student sees two global views and {@code localCrops} local crops of each image, the
 * teacher (the student's moving average) only the global ones; the student learns to match the
 * teacher's centred, sharpened output distribution on every other view. No negatives; the centre
 * (a moving average of the teacher's outputs) keeps one prototype from taking over.
 *
 * <p>Local crops cover a small part of the image ({@code localViews}' crop scales) and are resized
 * to the input size, since a spec with dense layers takes one input size.
 *
 * <p>Under parameter averaging the teacher (slot {@value #TEACHER}) and the centre (slot {@value
 * #CENTER}) are averaged like the weights.
 *
 * <p>The model's embeddings are the teacher's, as the paper evaluates them (its linear and k-NN
 * evaluations load the teacher), a moving average of the student's weights. On Fashion-MNIST its
 * k-NN accuracy lagged the student's while the student learned fast and met it as the learning rate
 * fell (docs/PERFORMANCE.md); the student's k-NN accuracy is reported beside it.
 */
final class DinoTask extends PretrainingTask {
    static final String TEACHER = "teacher";
    static final String CENTER = "center";
    /** Figures: the sum over steps of the teacher's mean output entropy. */
    static final String TEACHER_ENTROPY_SUM = "teacherEntropySum";

    private final Chain teacher;
    private final float[] center;
    private final DinoLoss loss;

    DinoTask(PretrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        super(config, averageOptimizerState, kernels);
        this.teacher = buildFollower(kernels);
        this.center = new float[config.projectionSize()];
        this.loss =
                new DinoLoss(config.temperature(), config.teacherTemperature().at(0));
    }

    @Override
    public String embeddingSlot() {
        return TEACHER;
    }

    @Override
    protected Sequential embeddingEncoder() {
        return teacher.first();
    }

    @Override
    protected List<StateSlot> methodSlots() {
        return List.of(
                new StateSlot(TEACHER, teacher.stateSize(), MergeRule.AVERAGE),
                new StateSlot(CENTER, center.length, MergeRule.AVERAGE));
    }

    @Override
    protected void saveMethodState(float[][] slots) {
        teacher.copyStateTo(slots[2]);
        System.arraycopy(center, 0, slots[3], 0, center.length);
    }

    @Override
    protected void loadMethodState(float[][] slots) {
        teacher.loadState(slots[2]);
        System.arraycopy(slots[3], 0, center, 0, center.length);
    }

    @Override
    protected double methodStep(DataBlock batch, Figures figures) {
        int n = batch.size();
        Tensor all = views(batch, 0, config.viewsPerImage(), 2); // [(2 + L)·N, C, H, W], global views first
        Tensor t = teacher.forward(firstRows(all, 2 * n), false); // [2N, K], no gradient
        Tensor s = forward(all); // [(2 + L)·N, K]
        loss.setTeacherTemperature(config.teacherTemperature().at(progress()));
        float l = loss.forward(s, t, center, 2);
        figures.add(TEACHER_ENTROPY_SUM, loss.teacherEntropy());
        backwardAndUpdate(loss.backward());
        DinoLoss.updateCenter(center, t, config.centerMomentum());
        return l;
    }

    @Override
    public void afterStep() {
        MovingAverage.follow(teacher, network, followerMomentum());
    }
}
