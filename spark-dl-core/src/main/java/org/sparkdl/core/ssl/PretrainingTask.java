package org.sparkdl.core.ssl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.sparkdl.core.augment.Augmenter;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Chain;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Reseedable;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.GradientClipping;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Columns;
import org.sparkdl.core.train.DataBlock;
import org.sparkdl.core.train.Figures;
import org.sparkdl.core.train.MergeRule;
import org.sparkdl.core.train.StateLayout;
import org.sparkdl.core.train.StateSlot;
import org.sparkdl.core.train.TrainingTask;

/**
 * What every pretraining method shares: the network trained by gradient (the encoder, then the
 * head), its optimizer, the augmented views of a batch, the collapse figure, and the evaluation
 * (k-NN accuracy and spread of the embeddings on validation rows that carry labels).
 *
 * <p>State: slot {@value #MODEL} is the network's (the encoder's state, then the head's: the
 * embedding model is its first part), slot {@value #OPTIMIZER} the optimizer's (averaged, or kept
 * per partition), then the method's own slots ({@link #methodSlots()}).
 *
 * <p>Batches hold column {@code features} (C·H·W values of an image) and, for evaluation, {@code
 * label} (a class index, or −1 for a row without one). Labels never enter a loss.
 *
 * <p>View v of row i in the s-th step of a round is augmented with the seed {@code
 * Augmenter.seed(roundSeed, s, i, v)}; the engine seeds each round from (epoch, round, partition),
 * so a fit is reproducible.
 */
public abstract class PretrainingTask implements TrainingTask {
    public static final String MODEL = "model";
    public static final String OPTIMIZER = "optimizer";

    /** Figures: the summed spread of normalised embeddings of training steps and of evaluated rows. */
    public static final String EMBEDDING_STD_SUM = "embeddingStdSum";

    public static final String EVAL_EMBEDDING_STD_SUM = "evalEmbeddingStdSum";
    /** Figures: rows with a label that k-NN classified right, and rows with a label. */
    public static final String KNN_CORRECT = "knnCorrect";

    public static final String KNN_LABELLED = "knnLabelled";
    /** Figures: as {@link #KNN_CORRECT}, for the encoder trained by gradient where the model's is another. */
    public static final String TRAINED_KNN_CORRECT = "trainedKnnCorrect";
    /** Neighbours of the k-NN evaluation. */
    public static final int KNN_NEIGHBOURS = 20;

    protected final PretrainingConfig config;
    protected final Sequential encoder;
    protected final Sequential head;
    protected final Chain network;
    private final Optimizer optimizer;
    private final boolean averageOptimizerState;
    private final int[] imageShape;
    private final Augmenter global;
    private final Augmenter local;
    private StateLayout layout;
    private long roundSeed;
    private int stepInRound;
    private float[] viewBuffer = new float[0];
    private double progress;
    private Tensor embedding;

    protected PretrainingTask(PretrainingConfig config, boolean averageOptimizerState, Kernels kernels) {
        this.config = config;
        this.averageOptimizerState = averageOptimizerState;
        this.encoder = config.encoder().buildModel(kernels);
        this.head = buildHead(config, encoder, kernels);
        this.network = new Chain(encoder, head);
        this.optimizer = config.encoder().optimizer().create(network.params()).runOn(kernels);
        this.imageShape = config.encoder().inputShape();
        int c = imageShape[0];
        int h = imageShape[1];
        int w = imageShape[2];
        this.global = new Augmenter(config.globalViews(), c, h, w, h, w);
        this.local = new Augmenter(config.localViews(), c, h, w, h, w);
    }

    /** The encoder must end in a flat embedding, which the head takes. */
    static Sequential buildHead(PretrainingConfig config, Sequential encoder, Kernels kernels) {
        int[] out = encoder.outputShape();
        if (out.length != 1) {
            throw new IllegalArgumentException("the encoder '" + encoder.describe() + "' puts out "
                    + Shapes.describe(out) + " per image; it must end in a flat embedding, e.g. '... flatten"
                    + " dense(128)'");
        }
        return ModelSpec.parse(config.headSpec(out[0]))
                .build(
                        out,
                        kernels,
                        Initializer.parse(config.encoder().initializer()),
                        Augmenter.seed(config.encoder().seed(), 0x4EADL));
    }

    /** A second network of the same architecture and initial weights: MoCo's key encoder, DINO's teacher. */
    protected Chain buildFollower(Kernels kernels) {
        Sequential e = config.encoder().buildModel(kernels);
        Chain follower = new Chain(e, buildHead(config, e, kernels));
        follower.loadState(network.state());
        return follower;
    }

    /** The encoder trained by gradient (the student, the query encoder); its architecture is the model's. */
    public Sequential encoder() {
        return encoder;
    }

    /**
     * The slot whose first {@code encoder().stateSize()} floats are the model's encoder: {@value
     * #MODEL}, the network trained by gradient, unless a method evaluates another one (DINO its
     * teacher). Its layout is the encoder's, then the head's.
     */
    public String embeddingSlot() {
        return MODEL;
    }

    /**
     * The encoder whose embeddings the model puts out, and that evaluation scores: {@link
     * #encoder()} unless the method overrides {@link #embeddingSlot()}.
     */
    protected Sequential embeddingEncoder() {
        return encoder;
    }

    /** The slots after model and optimizer, in the order of {@link #saveMethodState}. */
    protected List<StateSlot> methodSlots() {
        return List.of();
    }

    protected void saveMethodState(float[][] slots) {}

    protected void loadMethodState(float[][] slots) {}

    @Override
    public StateLayout layout() {
        if (layout == null) {
            List<StateSlot> slots = new ArrayList<>();
            slots.add(new StateSlot(MODEL, network.stateSize(), MergeRule.AVERAGE));
            slots.add(new StateSlot(
                    OPTIMIZER, optimizer.stateSize(), averageOptimizerState ? MergeRule.AVERAGE : MergeRule.LOCAL));
            slots.addAll(methodSlots());
            layout = StateLayout.of(slots.toArray(new StateSlot[0]));
        }
        return layout;
    }

    @Override
    public void saveState(float[][] slots) {
        network.copyStateTo(slots[0]);
        System.arraycopy(optimizer.state(), 0, slots[1], 0, slots[1].length);
        saveMethodState(slots);
    }

    @Override
    public void loadState(float[][] slots) {
        network.loadState(slots[0]);
        optimizer.loadState(slots[1], 0);
        loadMethodState(slots);
    }

    @Override
    public void setLearningRate(double lr) {
        optimizer.setLearningRate(lr);
    }

    @Override
    public void setProgress(double fractionDone) {
        progress = fractionDone;
    }

    /** The fraction of the fit done before this round, in [0, 1]. */
    protected double progress() {
        return progress;
    }

    /**
     * The moving averages' momentum now (MoCo's key encoder, DINO's teacher): the configured one
     * as its schedule has it at this point of the fit.
     */
    public double followerMomentum() {
        return config.momentumSchedule().at(config.momentum(), progress());
    }

    @Override
    public void reseed(long seed) {
        roundSeed = seed;
        stepInRound = 0;
        java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
        for (Layer l : encoder.layers()) {
            if (l instanceof Reseedable r) {
                r.reseed(rng.nextLong());
            }
        }
        for (Layer l : head.layers()) {
            if (l instanceof Reseedable r) {
                r.reseed(rng.nextLong());
            }
        }
    }

    @Override
    public final double step(DataBlock batch, Figures figures) {
        network.zeroGrad();
        double loss = methodStep(batch, figures);
        stepInRound++;
        if (!Double.isFinite(loss)) {
            throw new ArithmeticException("pretraining loss became " + loss + " at optimizer step "
                    + (optimizer.steps() + 1) + "; lower the learning rate or the temperature");
        }
        if (embedding != null) {
            figures.add(EMBEDDING_STD_SUM, EmbeddingFigures.normalizedStd(embedding));
        }
        return loss;
    }

    /**
     * The method's step: make its views, forward with {@link #forward}, compute its loss, then
     * {@link #backwardAndUpdate}. Returns the loss before the update.
     */
    protected abstract double methodStep(DataBlock batch, Figures figures);

    /** The trained network on {@code views} in training mode; keeps the embeddings for the collapse figure. */
    protected Tensor forward(Tensor views) {
        embedding = encoder.forward(views, true);
        return head.forward(embedding, true);
    }

    /** Backward from dLoss/dOutput of the last {@link #forward}, clip, one optimizer step. */
    protected void backwardAndUpdate(Tensor gradOut) {
        network.backward(gradOut);
        if (config.encoder().clipNorm() > 0) {
            GradientClipping.clipGlobalNorm(network.params(), config.encoder().clipNorm());
        }
        optimizer.step();
    }

    /**
     * {@code count} views of every image of {@code batch}, views {@code [first, first + count)},
     * in blocks of N rows: [count·N, C, H, W]. Views before {@code localFrom} use the global
     * augmentation, the others the local one. The array is reused by the next call.
     */
    protected Tensor views(DataBlock batch, int first, int count, int localFrom) {
        int n = batch.size();
        int per = Shapes.size(imageShape);
        int needed = count * n * per;
        if (viewBuffer.length != needed) {
            viewBuffer = new float[needed]; // a new size only for an epoch's last, shorter batch
        }
        float[] out = viewBuffer;
        float[] images = batch.column(Columns.FEATURES).floats();
        for (int v = 0; v < count; v++) {
            int view = first + v;
            Augmenter aug = view < localFrom ? global : local;
            for (int i = 0; i < n; i++) {
                aug.apply(
                        images,
                        i * per,
                        out,
                        (v * n + i) * per,
                        new java.util.SplittableRandom(Augmenter.seed(roundSeed, stepInRound, i, view)));
            }
        }
        return Tensor.of(out, Shapes.withBatch(count * n, imageShape));
    }

    /**
     * On validation rows: the spread and k-NN accuracy of the model's embeddings ({@link
     * #embeddingEncoder()}); where that is not the encoder trained by gradient, that encoder's k-NN
     * accuracy too ({@value #TRAINED_KNN_CORRECT}).
     */
    @Override
    public void evaluate(DataBlock batch, Figures figures) {
        int n = batch.size();
        Tensor images = batch.tensor(Columns.FEATURES, imageShape);
        Tensor h = embeddingEncoder().forward(images, false);
        figures.add(EVAL_EMBEDDING_STD_SUM, EmbeddingFigures.normalizedStd(h) * n);
        if (batch.has(Columns.LABEL)) {
            float[] labels = batch.column(Columns.LABEL).floats();
            int labelled = 0;
            for (float l : labels) {
                labelled += l >= 0 ? 1 : 0;
            }
            figures.add(KNN_LABELLED, labelled);
            figures.add(KNN_CORRECT, EmbeddingFigures.knnCorrect(h, labels, KNN_NEIGHBOURS));
            if (embeddingEncoder() != encoder) {
                Tensor trained = encoder.forward(images, false);
                figures.add(TRAINED_KNN_CORRECT, EmbeddingFigures.knnCorrect(trained, labels, KNN_NEIGHBOURS));
            }
        }
    }

    /** A copy of the first {@code rows} rows of {@code t}. */
    protected static Tensor firstRows(Tensor t, int rows) {
        int[] shape = t.shape();
        shape[0] = rows;
        return Tensor.of(Arrays.copyOf(t.data(), rows * t.sampleSize()), shape);
    }
}
