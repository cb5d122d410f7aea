package org.sparkdl.opencl;

import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.PoolGeometry;

/**
 * The launches a resident step is made of, each over the arena ({@link DeviceKernel#mem}) at
 * offsets: every method sets all the fields its operation reads, so no launch inherits an operand
 * from the one before. Shapes are in the comments as in the CPU layers; offsets are in floats.
 */
final class ResidentOps {
    private final OpenClKernels kernels;
    private final DeviceKernel dev;
    /** Floats of scratch the program laid out for split products. */
    private long scratchFloats;
    /** This step's sequence lengths in the arena, or -1: every sequence has all its steps. */
    private int lengths = -1;
    /** This step's longest sequence: the time loops run that far. */
    private int longest;

    ResidentOps(OpenClKernels kernels) {
        this.kernels = kernels;
        this.dev = kernels.deviceKernel();
    }

    /** The scratch laid out for split products ({@link #product}), in floats. */
    void scratchFloats(long floats) {
        scratchFloats = floats;
    }

    /** The launches from here on address the arena. */
    void begin() {
        dev.hostArrays();
        dev.resident = 1;
        dev.aGuard = -1;
        dev.cGuard = -1;
    }

    /** Back to the host-call fields, for the kernels' other callers. */
    void end() {
        dev.hostArrays();
    }

    /** {@code to[dst .. dst+count) = from[src .. src+count)} between the arena, staging and batch arrays. */
    void copy(int fromKind, int src, int toKind, int dst, int count) {
        dev.op = DeviceKernel.OP_COPY;
        dev.srcKind = fromKind;
        dev.src = src;
        dev.dstKind = toKind;
        dev.dst = dst;
        linear(count);
    }

    void fill(int dst, int count, float value) {
        dev.op = DeviceKernel.OP_FILL;
        dev.dst = dst;
        dev.fillValue = value;
        linear(count);
    }

    /** y = max(x, 0) over count elements. */
    void relu(int x, int y, int count) {
        dev.op = DeviceKernel.OP_RELU;
        dev.src = x;
        dev.dst = y;
        linear(count);
    }

    /** dx = dy where y > 0, else 0. */
    void reluBackward(int dy, int y, int dx, int count) {
        dev.op = DeviceKernel.OP_RELU_BACKWARD;
        dev.src = dy;
        dev.src2 = y;
        dev.dst = dx;
        linear(count);
    }

    /** y[rows, cols] += bias[cols] on every row. */
    void addBias(int y, int bias, int rows, int cols) {
        dev.op = DeviceKernel.OP_ADD_BIAS;
        dev.dst = y;
        dev.src = bias;
        dev.cols = cols;
        linear(rows * cols);
    }

    /** {@code dst[i] = alpha·Σ_q src[i·itemStride + q·sliceStride] + beta·dst[i]}, i < items, q < slices. */
    void sumSlices(int dst, int src, int items, int slices, int itemStride, int sliceStride, float alpha, float beta) {
        dev.op = DeviceKernel.OP_SUM_SLICES;
        dev.dst = dst;
        dev.src = src;
        dev.slices = slices;
        dev.itemStride = itemStride;
        dev.sliceStride = sliceStride;
        dev.alpha = alpha;
        dev.beta = beta;
        linear(items);
    }

    /**
     * C[m,n] = op(A)[m,k] · op(B)[k,n] + beta·C, row-major as {@link OpenClKernels#sgemm}; a split k
     * uses {@code scratch}.
     */
    void product(boolean transA, boolean transB, int m, int n, int k, int a, int b, float beta, int c, int scratch) {
        dev.op = DeviceKernel.OP_GEMM;
        dev.aOffset = a;
        dev.transA = transA ? 1 : 0;
        dev.aMode = DeviceKernel.A_PLAIN;
        dev.bOffset = b;
        dev.transB = transB ? 1 : 0;
        dev.bMode = DeviceKernel.B_PLAIN;
        dev.cOffset = c;
        dev.cMode = DeviceKernel.C_PLAIN;
        dev.alpha = 1f;
        dev.beta = beta;
        dev.shape(m, n, k, null);
        kernels.residentGemm(scratch, scratchFloats);
    }

    /** y[N,F,OH,OW] = conv(x[N,C,H,W], w[F,C,KH,KW]) + bias[F], rectified with {@code relu}. */
    void convForward(ConvGeometry g, boolean relu, int x, int w, int bias, int y) {
        dev.op = DeviceKernel.OP_GEMM;
        dev.aOffset = w;
        dev.transA = 0;
        dev.aMode = DeviceKernel.A_PLAIN;
        dev.bOffset = x;
        dev.transB = 0;
        dev.bMode = DeviceKernel.B_IM2COL;
        dev.cOffset = y;
        dev.cMode = relu ? DeviceKernel.C_CONV_OUT_RELU : DeviceKernel.C_CONV_OUT;
        dev.biasOffset = bias;
        dev.alpha = 1f;
        dev.beta = 0f;
        dev.shape(g.outChannels(), g.columns(), g.patchSize(), g);
        kernels.residentGemm(-1, 0); // a convolution's output never splits k
    }

    /** dw[F, C·KH·KW] += dyᵀ[F, N·P] · im2col(x)ᵀ[N·P, C·KH·KW]. */
    void convWeightGradient(ConvGeometry g, int dy, int x, int dw, int scratch) {
        dev.op = DeviceKernel.OP_GEMM;
        dev.aOffset = dy;
        dev.transA = 0;
        dev.aMode = DeviceKernel.A_DY_CHANNEL_MAJOR;
        dev.bOffset = x;
        dev.transB = 0;
        dev.bMode = DeviceKernel.B_IM2COL_T;
        dev.cOffset = dw;
        dev.cMode = DeviceKernel.C_PLAIN;
        dev.alpha = 1f;
        dev.beta = 1f;
        dev.shape(g.outChannels(), g.patchSize(), g.columns(), g);
        kernels.residentGemm(scratch, scratchFloats);
    }

    /** db[F] += Σ_{n,p} dy[n,f,p], through per-chunk partial sums at {@code scratch}. */
    void convBiasGradient(ConvGeometry g, int dy, int db, int scratch) {
        int filters = g.outChannels();
        int chunks = kernels.biasChunks(filters, g.batch() * g.outPixels());
        dev.op = DeviceKernel.OP_BIAS_GRAD;
        dev.aOffset = dy;
        dev.biasPartialOffset = scratch;
        dev.batch = g.batch();
        dev.filters = filters;
        dev.pixels = g.outPixels();
        dev.chunks = chunks;
        kernels.launchBiasGradient(filters, chunks);
        sumSlices(db, scratch, filters, chunks, chunks, 1, 1f, 1f);
    }

    /** dx[N,C,H,W] = dy ⋆ᵀ w, one work-item per input element. */
    void convInputGradient(ConvGeometry g, int dy, int w, int dx) {
        dev.op = DeviceKernel.OP_CONV_INPUT_GRAD;
        dev.aOffset = dy;
        dev.bOffset = w;
        dev.cOffset = dx;
        dev.shape(0, 0, 0, g);
        linear(g.inputSize());
    }

    /** y = pool(x); for a max pooling, argmax (in the int arena) the input index of each maximum. */
    void poolForward(PoolGeometry g, boolean max, int x, int y, int argmax) {
        dev.pooling(max ? DeviceKernel.OP_MAX_POOL_FORWARD : DeviceKernel.OP_AVG_POOL_FORWARD, g);
        dev.cOffset = x;
        dev.yOffset = y;
        dev.argmaxOffset = argmax;
        linear(g.outputSize());
    }

    /** dx = the pooling's backward of dy (overwritten). */
    void poolBackward(PoolGeometry g, boolean max, int dy, int argmax, int dx) {
        dev.pooling(max ? DeviceKernel.OP_MAX_POOL_BACKWARD : DeviceKernel.OP_AVG_POOL_BACKWARD, g);
        dev.yOffset = dy;
        dev.argmaxOffset = argmax;
        dev.aOffset = dx;
        linear(g.inputSize());
    }

    /**
     * dz[rows, classes] = (softmax(z) − onehot(labels)) / rows; each row's loss at {@code lossRows},
     * whether its arg-max is its label at {@code lossRows + rows}.
     */
    void softmaxCrossEntropy(int logits, int labels, int rows, int classes, int dLogits, int lossRows) {
        loss(DeviceKernel.OP_SOFTMAX_CROSS_ENTROPY, logits, labels, rows, classes, dLogits, lossRows);
    }

    /** The multiclass hinge loss (margin 1), laid out as {@link #softmaxCrossEntropy}. */
    void multiclassHinge(int scores, int labels, int rows, int classes, int dScores, int lossRows) {
        loss(DeviceKernel.OP_MULTICLASS_HINGE, scores, labels, rows, classes, dScores, lossRows);
    }

    private void loss(int op, int logits, int labels, int rows, int classes, int dLogits, int lossRows) {
        dev.op = op;
        dev.src = logits;
        dev.src2 = labels;
        dev.src3 = lossRows;
        dev.dst = dLogits;
        dev.rows = rows;
        dev.cols = classes;
        linear(rows);
    }

    /** Sums the rows' losses and hits into {@link DeviceKernel#result}, checking the guard word. */
    void stepResult(int lossRows, int rows) {
        dev.op = DeviceKernel.OP_STEP_RESULT;
        dev.src = lossRows;
        dev.rows = rows;
        kernels.launchOneGroup();
    }

    /** Stores {@code token} at {@code index}: a fresh host copy of the arena does not hold it. */
    void setGuard(int index, float token) {
        dev.op = DeviceKernel.OP_SET_GUARD;
        dev.guardIndex = index;
        dev.residentToken = token;
        linear(1);
    }

    /** y = f(x) for {@code activation} ({@link DeviceKernel#ACT_LEAKY_RELU}...) with its slope or alpha. */
    void activation(int activation, float slope, int x, int y, int count) {
        dev.op = DeviceKernel.OP_ACTIVATION;
        dev.activation = activation;
        dev.slope = slope;
        dev.src = x;
        dev.dst = y;
        linear(count);
    }

    /** dx = dy · f'(x, y). */
    void activationBackward(int activation, float slope, int dy, int x, int y, int dx, int count) {
        dev.op = DeviceKernel.OP_ACTIVATION_BACKWARD;
        dev.activation = activation;
        dev.slope = slope;
        dev.src = dy;
        dev.src2 = x;
        dev.src3 = y;
        dev.dst = dx;
        linear(count);
    }

    /** out = a · b element by element. */
    void multiply(int a, int b, int out, int count) {
        dev.op = DeviceKernel.OP_MULTIPLY;
        dev.src = a;
        dev.src2 = b;
        dev.dst = out;
        linear(count);
    }

    /** y = x·mask, mask = 1/(1 − p) where the draw under {@code key} keeps the value, else 0. */
    void dropout(long key, float p, int x, int y, int mask, int count) {
        dev.op = DeviceKernel.OP_DROPOUT;
        dev.keyLo = (int) key;
        dev.keyHi = (int) (key >>> 32);
        dev.dropP = p;
        dev.src = x;
        dev.dst = y;
        dev.src2 = mask;
        linear(count);
    }

    /** Where a BatchNorm's per-channel values are: γ, β, running mean and variance, dγ, dβ. */
    record NormOffsets(int gamma, int beta, int mean, int var, int dGamma, int dBeta) {}

    /**
     * BatchNorm in training over x[n, channels, spatial] (one work-group per channel): y, x̂ and
     * 1/σ per channel, and the running statistics updated with {@code momentum}.
     */
    void batchNorm(
            NormOffsets o,
            int channels,
            int spatial,
            int n,
            float momentum,
            float eps,
            int x,
            int y,
            int xhat,
            int invStd) {
        norm(DeviceKernel.OP_BATCH_NORM, o, channels, spatial, n);
        dev.momentum = momentum;
        dev.eps = eps;
        dev.src = x;
        dev.dst = y;
        dev.src2 = xhat;
        dev.src3 = invStd;
        kernels.launchGroups(channels);
    }

    /** BatchNorm's backward: dγ, dβ added to, dx written (unless dx is -1). */
    void batchNormBackward(NormOffsets o, int channels, int spatial, int n, int dy, int xhat, int invStd, int dx) {
        norm(DeviceKernel.OP_BATCH_NORM_BACKWARD, o, channels, spatial, n);
        dev.src = dy;
        dev.src2 = xhat;
        dev.src3 = invStd;
        dev.dst = dx;
        kernels.launchGroups(channels);
    }

    /** LayerNorm over rows of {@code size}: y, x̂ and 1/σ per row (one work-group per row). */
    void layerNorm(int gamma, int beta, int size, int n, float eps, int x, int y, int xhat, int invStd) {
        dev.op = DeviceKernel.OP_LAYER_NORM;
        dev.gammaOffset = gamma;
        dev.betaOffset = beta;
        dev.cols = size;
        dev.eps = eps;
        dev.src = x;
        dev.dst = y;
        dev.src2 = xhat;
        dev.src3 = invStd;
        kernels.launchGroups(n);
    }

    /** LayerNorm's backward: dx (unless -1), and dγ += Σ_rows dy·x̂, dβ += Σ_rows dy. */
    void layerNormBackward(
            int gamma, int dGamma, int dBeta, int size, int n, int dy, int xhat, int invStd, int dx, int products) {
        dev.op = DeviceKernel.OP_LAYER_NORM_BACKWARD;
        dev.gammaOffset = gamma;
        dev.cols = size;
        dev.src = dy;
        dev.src2 = xhat;
        dev.src3 = invStd;
        dev.dst = dx;
        dev.productOffset = products;
        kernels.launchGroups(n);
        sumSlices(dGamma, products, size, n, 1, size, 1f, 1f);
        sumSlices(dBeta, dy, size, n, 1, size, 1f, 1f);
    }

    private void norm(int op, NormOffsets o, int channels, int spatial, int n) {
        dev.op = op;
        dev.channels = channels;
        dev.spatial = spatial;
        dev.batch = n;
        dev.gammaOffset = o.gamma();
        dev.betaOffset = o.beta();
        dev.meanOffset = o.mean();
        dev.varOffset = o.var();
        dev.dGammaOffset = o.dGamma();
        dev.dBetaOffset = o.dBeta();
    }

    /**
     * Clips the gradients at [g, g + count) to a global norm of {@code maxNorm} as the CPU does:
     * partial sums of squares ({@code groups} of them at {@code partials}), the factor at {@code
     * factor}, then every gradient times it.
     */
    void clipGlobalNorm(int g, int count, float maxNorm, int partials, int groups, int factor) {
        dev.op = DeviceKernel.OP_SQUARE_SUMS;
        dev.src = g;
        dev.dst = partials;
        dev.chunks = groups;
        dev.total = count;
        kernels.launchGroups(groups);
        dev.op = DeviceKernel.OP_CLIP_FACTOR;
        dev.src = partials;
        dev.dst = factor;
        dev.maxNorm = maxNorm;
        kernels.launchOneGroup();
        dev.op = DeviceKernel.OP_SCALE;
        dev.src = factor;
        dev.dst = g;
        linear(count);
    }

    /** The sequences of this step: their lengths in the arena (-1: none given) and the longest. */
    void sequences(int lengthsOffset, int longestSteps) {
        lengths = lengthsOffset;
        longest = longestSteps;
    }

    /** The step loops of this step's recurrent layers run to here. */
    int longest() {
        return longest;
    }

    /** Zeroes the H-wide slice at {@code column} of y[n, steps, width] past each sequence's end. */
    void zeroPadding(int y, int n, int steps, int width, int column, int hidden) {
        if (lengths < 0) {
            return; // no padding
        }
        dev.op = DeviceKernel.OP_ZERO_PADDING;
        dev.dst = y;
        dev.steps = steps;
        dev.yWidth = width;
        dev.yColumn = column;
        dev.hidden = hidden;
        dev.lengthsOffset = lengths;
        linear(n * steps * hidden);
    }

    /** Where one recurrent direction keeps its loop's arrays, and how its output slice lies. */
    record Direction(
            int cell,
            int hidden,
            int gateWidth,
            int savedWidth,
            boolean reverse,
            int xp,
            int hp,
            int h,
            int c,
            int saved,
            int yWidth,
            int yColumn,
            int dgx,
            int dgh,
            int dh,
            int dhPrev,
            int dc) {}

    /** Step {@code s} of a direction's forward over n sequences of {@code steps}, writing y. */
    void cellForward(Direction d, int n, int steps, int s, int y) {
        cell(DeviceKernel.OP_CELL_FORWARD, d, n, steps, s);
        dev.src = d.xp();
        dev.src2 = d.hp();
        dev.dst = y;
        dev.dhOffset = d.dh();
        dev.dhPrevOffset = d.dhPrev();
        linear(n * d.hidden());
    }

    /** Step {@code s} of a direction's backward, from the output gradient dy (y's layout). */
    void cellBackward(Direction d, int n, int steps, int s, int dy, int dh, int dhPrev) {
        cell(DeviceKernel.OP_CELL_BACKWARD, d, n, steps, s);
        dev.src = dy;
        dev.src2 = d.dgh();
        dev.dst = d.dgx();
        dev.dhOffset = dh;
        dev.dhPrevOffset = dhPrev;
        linear(n * d.hidden());
    }

    private void cell(int op, Direction d, int n, int steps, int s) {
        dev.op = op;
        dev.cellKind = d.cell();
        dev.hidden = d.hidden();
        dev.gateWidth = d.gateWidth();
        dev.savedWidth = d.savedWidth();
        dev.reverse = d.reverse() ? 1 : 0;
        dev.hOffset = d.h();
        dev.cOffset2 = d.c();
        dev.savedOffset = d.saved();
        dev.dcOffset = d.dc();
        dev.yWidth = d.yWidth();
        dev.yColumn = d.yColumn();
        dev.rows = n;
        dev.steps = steps;
        dev.step = s;
        dev.lengthsOffset = lengths;
    }

    /** y[n·steps, dim] = table[ids] (0 past each sequence's end). */
    void embedding(int ids, int table, int y, int n, int steps, int dim) {
        dev.op = DeviceKernel.OP_EMBEDDING;
        dev.src = ids;
        dev.src2 = table;
        dev.dst = y;
        dev.cols = dim;
        dev.steps = steps;
        dev.lengthsOffset = lengths;
        linear(n * steps * dim);
    }

    /** dTable[id] += dy[r] for every valid row r: one work-item per column of the table. */
    void embeddingBackward(int ids, int dy, int dTable, int n, int steps, int dim) {
        dev.op = DeviceKernel.OP_EMBEDDING_BACKWARD;
        dev.src = ids;
        dev.src3 = dy;
        dev.dst = dTable;
        dev.rows = n * steps;
        dev.cols = dim;
        dev.steps = steps;
        dev.lengthsOffset = lengths;
        linear(dim);
    }

    /** Copies {@code count} floats within the arena. */
    void move(int src, int dst, int count) {
        copy(DeviceKernel.KIND_MEM, src, DeviceKernel.KIND_MEM, dst, count);
    }

    /** y[n, cols] = x[n, steps, cols] at each sequence's last valid step (features past lastFeatures: step 0). */
    void lastStep(int x, int y, int n, int steps, int cols, int lastFeatures) {
        last(DeviceKernel.OP_LAST_STEP, steps, cols, lastFeatures);
        dev.src = x;
        dev.dst = y;
        linear(n * cols);
    }

    /** dx[n, steps, cols] = dy[n, cols] scattered to the steps {@link #lastStep} read, 0 elsewhere. */
    void lastStepBackward(int dy, int dx, int n, int steps, int cols, int lastFeatures) {
        fill(dx, n * steps * cols, 0f);
        last(DeviceKernel.OP_LAST_STEP_BACKWARD, steps, cols, lastFeatures);
        dev.src = dy;
        dev.dst = dx;
        linear(n * cols);
    }

    private void last(int op, int steps, int cols, int lastFeatures) {
        dev.op = op;
        dev.steps = steps;
        dev.cols = cols;
        dev.lastFeatures = lastFeatures;
        dev.lengthsOffset = lengths;
    }

    /** The optimizer's constants for the next {@link #update} launches. */
    DeviceKernel constants() {
        return dev;
    }

    /** One optimizer launch ({@link DeviceKernel#OP_ADAM}, {@link DeviceKernel#OP_SGD}...) over a parameter. */
    void update(int op, int w, int g, int slot0, int slot1, int count) {
        dev.op = op;
        dev.dst = w;
        dev.src = g;
        dev.src2 = slot0;
        dev.src3 = slot1;
        linear(count);
    }

    private void linear(int count) {
        dev.total = count;
        kernels.launchLinear(count);
    }
}
