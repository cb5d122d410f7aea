package org.sparkdl.opencl;

import com.aparapi.Kernel;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.PoolGeometry;

/**
 * Every operation spark-dl runs on an OpenCL device, in one Aparapi kernel class selected by
 * {@link #op}: GEMM (with the implicit-convolution addressing modes), pooling forward and backward,
 * the convolution's input gradient and bias-gradient partial sums. One class because Aparapi keeps
 * a device buffer per kernel instance and field: only launches of the same instance can hand each
 * other an array that stays on the device, as a convolution's output does on its way into the max
 * pooling after it ({@link OpenClKernels#convMaxPoolForward}) and the pooling's input gradient on
 * its way into the three convolution gradients.
 *
 * <p>Fields have fixed roles across operations so that such a hand-over is the same field: the
 * GEMM reads {@link #a} and {@link #b} and writes {@link #c}; pooling forward reads {@link #c} and
 * writes {@link #y} (and {@link #argmax}); pooling backward reads {@link #y} and writes {@link #a};
 * the input gradient reads dy from {@link #a} and weights from {@link #b} and writes {@link #c};
 * the bias gradient reads {@link #a}.
 *
 * <p>GEMM comes in two work-group shapes that share the operand addressing:
 *
 * <ul>
 *   <li><b>register-tiled</b> ({@link #registerTiled} = 1): each 16×16 work-group computes a 128×128
 *       block of C, each work-item an 8×8 sub-block held in private memory (registers); per step
 *       a 128×16 slice of A and a 16×128 slice of B are staged in local memory, each value read
 *       from there feeding 8 multiply-adds instead of one. Work-item (lc, lr) owns rows lr + 16·i
 *       and columns lc + 16·j, so neighbouring work-items read neighbouring local-memory words and
 *       store neighbouring columns. The groups along dimension 2 split k ({@link #kSlice} each)
 *       when C is too small to occupy the device (a convolution's weight gradient: 64×800 outputs,
 *       a reduction over N·H·W); they then write raw partial sums ({@link #partial}) that the host
 *       adds.
 *   <li><b>simple</b> (0): each 16×16 work-group computes a 16×16 block of C, one output per
 *       work-item, for products too small to fill 128×128 blocks.
 * </ul>
 *
 * Out-of-range operand elements load as zero and out-of-range results are not stored, so any m,
 * n, k work (the global range is rounded up).
 *
 * <p>Operands have addressing modes, so that convolutions run as implicit GEMMs with the im2col
 * matrix computed on the fly instead of materialised and copied:
 *
 * <ul>
 *   <li>A: {@link #A_PLAIN} row-major (optionally transposed); {@link #A_DY_CHANNEL_MAJOR} the
 *       output gradient dy[N,F,P] read as dyᵀ[F, N·P].
 *   <li>B: {@link #B_PLAIN}; {@link #B_IM2COL} im2col(x)[C·KH·KW, N·P]; {@link #B_IM2COL_T} its
 *       transpose.
 *   <li>C: {@link #C_PLAIN} {@code alpha·acc + beta·C}; {@link #C_CONV_OUT} y[N,F,P] = acc + bias[f];
 *       {@link #C_CONV_OUT_RELU} the same rectified (a fused ReLU, so y needs no pass on the host).
 * </ul>
 */
final class DeviceKernel extends Kernel {
    static final int OP_GEMM = 0;
    static final int OP_MAX_POOL_FORWARD = 1;
    static final int OP_AVG_POOL_FORWARD = 2;
    static final int OP_MAX_POOL_BACKWARD = 3;
    static final int OP_AVG_POOL_BACKWARD = 4;
    static final int OP_CONV_INPUT_GRAD = 5;
    static final int OP_BIAS_GRAD = 6;
    // The resident step's own operations (OpenClResidentStep): they read and write the arena only.
    static final int OP_COPY = 7;
    static final int OP_FILL = 8;
    static final int OP_RELU = 9;
    static final int OP_RELU_BACKWARD = 10;
    static final int OP_ADD_BIAS = 11;
    static final int OP_SUM_SLICES = 12;
    static final int OP_SOFTMAX_CROSS_ENTROPY = 13;
    static final int OP_STEP_RESULT = 14;
    static final int OP_ADAM = 15;
    static final int OP_SGD = 16;
    static final int OP_SET_GUARD = 17;
    static final int OP_ACTIVATION = 18;
    static final int OP_ACTIVATION_BACKWARD = 19;
    static final int OP_BATCH_NORM = 20;
    static final int OP_BATCH_NORM_BACKWARD = 21;
    static final int OP_ADAGRAD = 22;
    static final int OP_RMSPROP = 23;
    static final int OP_SQUARE_SUMS = 24;
    static final int OP_CLIP_FACTOR = 25;
    static final int OP_SCALE = 26;
    static final int OP_DROPOUT = 27;
    static final int OP_MULTIPLY = 28;
    static final int OP_CELL_FORWARD = 29;
    static final int OP_CELL_BACKWARD = 30;
    static final int OP_ZERO_PADDING = 31;
    static final int OP_LAST_STEP = 32;
    static final int OP_LAST_STEP_BACKWARD = 33;
    static final int OP_LAYER_NORM = 34;
    static final int OP_LAYER_NORM_BACKWARD = 35;
    static final int OP_EMBEDDING = 36;
    static final int OP_EMBEDDING_BACKWARD = 37;
    static final int OP_MULTICLASS_HINGE = 38;
    /** {@link #cellKind}: the recurrent cell of {@link #OP_CELL_FORWARD} and {@link #OP_CELL_BACKWARD}. */
    static final int CELL_RNN = 0;

    static final int CELL_LSTM = 1;
    static final int CELL_GRU = 2;
    /** {@link #activation}: which element-wise function {@link #OP_ACTIVATION} applies. */
    static final int ACT_LEAKY_RELU = 1;

    static final int ACT_ELU = 2;
    static final int ACT_SIGMOID = 3;
    static final int ACT_TANH = 4;
    static final int ACT_GELU = 5;
    /** Arrays {@link #OP_COPY} reads from or writes to. */
    static final int KIND_MEM = 0;

    static final int KIND_STAGING = 1;
    static final int KIND_BATCH = 2;
    /** {@link #result}: the step's summed loss, its correct predictions, and 1 if the arena was lost. */
    static final int RESULT_SIZE = 4;
    /** Work-group size of the bias-gradient sums and of the one-item-per-element operations. */
    static final int WG = 256;

    /** Work-group side (both shapes) and the simple shape's tile. */
    static final int TS = 16;
    /** Side of the block of C each work-item of the register-tiled shape computes. */
    static final int RT = 8;
    /** Side of the block of C a register-tiled work-group computes. */
    static final int BT = TS * RT;
    /** k-depth of the A and B slices staged per step by the register-tiled shape. */
    static final int BK = 16;
    /** Row pitch of the staged slices: one word of padding, so column-wise stores hit distinct banks. */
    static final int BTP = BT + 1;

    static final int A_PLAIN = 0;
    static final int A_DY_CHANNEL_MAJOR = 1;
    static final int B_PLAIN = 0;
    static final int B_IM2COL = 1;
    static final int B_IM2COL_T = 2;
    static final int C_PLAIN = 0;
    static final int C_CONV_OUT = 1;
    static final int C_CONV_OUT_RELU = 2;

    float[] a = new float[1];
    float[] b = new float[1];
    float[] c = new float[1];
    float[] bias = new float[1];
    /** What {@link #bias} holds when a product has none: Aparapi cannot bind a null array. */
    private final float[] noBias = bias;
    /** Pooling output (forward) or its gradient (backward). */
    float[] y = new float[1];

    int[] argmax = new int[1];
    /** Bias-gradient partial sums, {@code [filters, chunks]}. */
    float[] biasPartial = new float[1];
    /** {@code status[0]} becomes 1 when an operation finds that an array it should find on the device is not there. */
    int[] status = new int[1];

    int op;
    /**
     * Index of the guard word after the part of {@link #c} (resp. {@link #a}) that an operation
     * hands to the next one on the device, or -1: the writer stores {@link #token} there, and a
     * reader that finds anything else sets {@link #status} (Aparapi recreates a buffer from the
     * host array, losing what the device wrote, when the garbage collector has moved the array).
     */
    int cGuard = -1;

    int aGuard = -1;
    float token;

    // The resident step (OpenClResidentStep). With resident = 1, every operation reads and writes
    // the arena mem (argmax: imem) at the offsets below instead of the fields a, b, c, y, bias and
    // argmax: one field, so one device buffer that stays there for the whole fit.
    int resident;
    float[] mem = new float[1];
    int[] imem = new int[1];
    /** The state on its way to or from the device, once per averaging round. */
    float[] staging = new float[1];
    /** The mini-batch's features, then its labels: the one upload of a step. */
    float[] batchIn = new float[1];
    /** The one download of a step ({@link #RESULT_SIZE} floats). */
    float[] result = new float[RESULT_SIZE];
    /** Where the arena keeps {@link #residentToken}: a fresh host copy of the arena holds 0 there. */
    int guardIndex;

    float residentToken;
    int yOffset;
    int biasOffset;
    int argmaxOffset;
    /** Where a split product's partial sums go (0 in {@link #c} = the host's partial-sum array). */
    int partialOffset;
    /** Where the bias gradient's partial sums go in the arena. */
    int biasPartialOffset;
    // Operands of the element-wise operations: arena offsets, and the copy's array kinds.
    int src;
    int src2;
    int src3;
    int dst;
    int srcKind;
    int dstKind;
    int rows;
    int cols;
    int slices;
    int itemStride;
    int sliceStride;
    float fillValue;
    // Optimizer constants of a launch, computed on the host as the CPU optimizers compute them.
    float beta1;
    float oneMinusBeta1;
    float beta2;
    float oneMinusBeta2;
    float stepSize;
    float sqrtBc2;
    float eps;
    float decay;
    float l1;
    float l2;
    float momentum;
    int nesterov;
    /** RMSProp's decay of the squared-gradient average. */
    float decayRate;
    // Activations: which one, and the leaky ReLU's slope or the ELU's alpha.
    int activation;
    float slope;
    // BatchNorm: channels, values per channel and sample, and where γ, β, the running statistics
    // and the gradients of γ and β are (src: x, dst: y, src2: x̂, src3: 1/σ per channel).
    int channels;
    int spatial;
    int gammaOffset;
    int betaOffset;
    int meanOffset;
    int varOffset;
    int dGammaOffset;
    int dBetaOffset;
    /** LayerNorm's backward: where it writes dy·x̂ per element, for γ's gradient (column sums). */
    int productOffset;
    // Gradient clipping: the norm limit.
    float maxNorm;
    // Recurrent layers: one direction's step s of a time loop over [rows, steps] sequences of
    // hidden units, its gates·hidden projections, where its states, saved gates and lengths are,
    // and where its output slice lies in the rows of y (yWidth wide, from yColumn).
    int cellKind;
    int hidden;
    int steps;
    int step;
    int reverse;
    int gateWidth;
    int savedWidth;
    int hOffset;
    int cOffset2;
    int savedOffset;
    int lengthsOffset;
    int yWidth;
    int yColumn;
    int dhOffset;
    int dhPrevOffset;
    int dcOffset;
    /** The `last` layer: features read at each sequence's last valid step (the rest at step 0). */
    int lastFeatures;
    // Dropout: the mask's key (two words of the layer's counter-based generator) and p.
    int keyLo;
    int keyHi;
    float dropP;
    // Pooling geometry (its input is the convolution's output, so it has its own fields).
    int poolHeight;
    int poolWidth;
    int poolWindow;
    int poolStride;
    int poolOutH;
    int poolOutW;
    /** Elements of the one-item-per-element operations. */
    int total;
    /** Bias gradient: images, pixels per image and filter, chunks of N·P per filter. */
    int batch;

    int pixels;
    int chunks;

    int m;
    int n;
    int k;
    int aOffset;
    int bOffset;
    int cOffset;
    int transA;
    int transB;
    float alpha;
    float beta;
    int aMode;
    int bMode;
    int cMode;
    int registerTiled;
    int kSlice;
    int partial;
    int prefetch;
    // Convolution geometry for the implicit modes.
    int inChannels;
    int height;
    int width;
    int filters;
    int kernelH;
    int kernelW;
    int stride;
    int pad;
    int outH;
    int outW;

    @Local
    final float[] tileA = new float[BK * BTP];

    @Local
    final float[] tileB = new float[BK * BTP];

    @PrivateMemorySpace(RT * RT)
    final float[] acc = new float[RT * RT];

    @PrivateMemorySpace(RT)
    final float[] fragA = new float[RT];

    @PrivateMemorySpace(RT)
    final float[] fragB = new float[RT];

    @PrivateMemorySpace(BT * BK / (TS * TS))
    final float[] nextA = new float[BT * BK / (TS * TS)];

    @PrivateMemorySpace(BT * BK / (TS * TS))
    final float[] nextB = new float[BT * BK / (TS * TS)];

    // Host-side binding (Aparapi translates only what run() reaches). Each product sets all four
    // parts, so no launch inherits an operand, mode or geometry from the one before.

    /** A: the array, where it starts, whether it is transposed, and its addressing mode. */
    void operandA(float[] array, int offset, boolean transposed, int mode) {
        a = array;
        aOffset = offset;
        transA = transposed ? 1 : 0;
        aMode = mode;
    }

    /** B, as {@link #operandA}; the im2col modes read x through the convolution geometry. */
    void operandB(float[] array, int offset, boolean transposed, int mode) {
        b = array;
        bOffset = offset;
        transB = transposed ? 1 : 0;
        bMode = mode;
    }

    /** C = alpha·A·B + beta·C ({@link #C_PLAIN}) or y = A·B + bias (the convolution-output modes). */
    void result(float[] array, int offset, int mode, float alphaValue, float betaValue, float[] biasArray) {
        c = array;
        cOffset = offset;
        cMode = mode;
        alpha = alphaValue;
        beta = betaValue;
        bias = biasArray != null ? biasArray : noBias;
    }

    /** Host side: a pooling launch ({@code operation}) over {@code g}. */
    void pooling(int operation, PoolGeometry g) {
        op = operation;
        poolHeight = g.height();
        poolWidth = g.width();
        poolWindow = g.kernel();
        poolStride = g.stride();
        poolOutH = g.outH();
        poolOutW = g.outW();
    }

    /** Host side: the next launches address the host-call fields, each from its start. */
    void hostArrays() {
        resident = 0;
        aOffset = 0;
        bOffset = 0;
        cOffset = 0;
        yOffset = 0;
        biasOffset = 0;
        argmaxOffset = 0;
        partialOffset = 0;
    }

    /** m×k times k×n, and the convolution the implicit modes address (null for plain products). */
    void shape(int rows, int columns, int depth, ConvGeometry conv) {
        m = rows;
        n = columns;
        k = depth;
        if (conv != null) {
            inChannels = conv.inChannels();
            height = conv.height();
            width = conv.width();
            filters = conv.outChannels();
            kernelH = conv.kernelH();
            kernelW = conv.kernelW();
            stride = conv.stride();
            pad = conv.pad();
            outH = conv.outH();
            outW = conv.outW();
        }
    }

    @Override
    public void run() {
        if (op == OP_GEMM) {
            if (registerTiled == 1) {
                runRegisterTiled();
            } else {
                runSimple();
            }
        } else if (op == OP_BIAS_GRAD) {
            biasGradient();
        } else if (op == OP_STEP_RESULT) {
            stepResult();
        } else if (op == OP_BATCH_NORM) {
            batchNorm();
        } else if (op == OP_BATCH_NORM_BACKWARD) {
            batchNormBackward();
        } else if (op == OP_LAYER_NORM) {
            layerNorm();
        } else if (op == OP_LAYER_NORM_BACKWARD) {
            layerNormBackward();
        } else if (op == OP_SQUARE_SUMS) {
            squareSums();
        } else if (op == OP_CLIP_FACTOR) {
            clipFactor();
        } else {
            int i = getGlobalId();
            if (i == 0) {
                checkGuards();
            }
            if (i < total) {
                if (op == OP_MAX_POOL_FORWARD || op == OP_AVG_POOL_FORWARD) {
                    poolForward(i);
                } else if (op == OP_CONV_INPUT_GRAD) {
                    inputGradient(i);
                } else if (op == OP_MAX_POOL_BACKWARD || op == OP_AVG_POOL_BACKWARD) {
                    poolBackward(i);
                } else {
                    residentElement(i);
                }
            }
        }
    }

    /** Host side: whether the launch as set up checks a hand-over's token (see {@link #checkGuards}). */
    boolean readsHandOver() {
        boolean poolForward = op == OP_MAX_POOL_FORWARD || op == OP_AVG_POOL_FORWARD;
        boolean poolBackward = op == OP_MAX_POOL_BACKWARD || op == OP_AVG_POOL_BACKWARD;
        return poolForward ? cGuard >= 0 : !poolBackward && aGuard >= 0;
    }

    /**
     * Run by one work-item of every launch: a reader checks that the hand-over it reads from
     * carries this call's token (this item reads it before any item writes the field: a reader
     * never writes the field it reads from), a writer stores the token.
     */
    private void checkGuards() {
        if (op == OP_MAX_POOL_FORWARD || op == OP_AVG_POOL_FORWARD) {
            if (cGuard >= 0 && c[cGuard] != token) {
                status[0] = 1;
            }
        } else if (op == OP_MAX_POOL_BACKWARD || op == OP_AVG_POOL_BACKWARD) {
            if (aGuard >= 0) {
                a[aGuard] = token;
            }
        } else if (aGuard >= 0 && a[aGuard] != token) {
            status[0] = 1; // the GEMM's weight gradient, the bias and the input gradient read a
        }
        if (op == OP_GEMM && cGuard >= 0) {
            c[cGuard] = token; // a convolution's output, read by the pooling next
        }
    }

    private void runRegisterTiled() {
        if (getGlobalId(0) == 0 && getGlobalId(1) == 0 && getGlobalId(2) == 0) {
            checkGuards();
        }
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        int tid = lr * TS + lc;
        int col0 = getGroupId(0) * BT;
        int row0 = getGroupId(1) * BT;
        int kBegin = getGroupId(2) * kSlice;
        int kEnd = Math.min(k, kBegin + kSlice);
        for (int i = 0; i < RT * RT; i++) {
            acc[i] = 0f;
        }
        // Which index varies fastest between neighbouring work-items when loading, so that global
        // reads are contiguous: k for row-major A, the row for transposed A, and so on.
        int aKFast = (aMode == A_DY_CHANNEL_MAJOR || transA == 0) ? 1 : 0;
        int bKFast = (bMode == B_IM2COL_T || (bMode == B_PLAIN && transB == 1)) ? 1 : 0;
        if (kBegin < kEnd) {
            fetchSlices(kBegin, kEnd, row0, col0, tid, aKFast, bKFast);
        }
        for (int t = kBegin; t < kEnd; t += BK) {
            stageSlices(tid, aKFast, bKFast);
            localBarrier();
            if (prefetch == 1 && t + BK < kEnd) {
                // the next slices' global reads are in flight while this step multiplies
                fetchSlices(t + BK, kEnd, row0, col0, tid, aKFast, bKFast);
            }
            for (int kk = 0; kk < BK; kk++) {
                for (int i = 0; i < RT; i++) {
                    fragA[i] = tileA[kk * BTP + lr + i * TS];
                    fragB[i] = tileB[kk * BTP + lc + i * TS];
                }
                for (int i = 0; i < RT; i++) {
                    for (int j = 0; j < RT; j++) {
                        acc[i * RT + j] += fragA[i] * fragB[j];
                    }
                }
            }
            localBarrier();
            if (prefetch == 0 && t + BK < kEnd) {
                fetchSlices(t + BK, kEnd, row0, col0, tid, aKFast, bKFast);
            }
        }
        for (int i = 0; i < RT; i++) {
            int row = row0 + lr + i * TS;
            for (int j = 0; j < RT; j++) {
                int col = col0 + lc + j * TS;
                if (row < m && col < n) {
                    if (partial == 1) {
                        writeC(partialOffset + (getGroupId(2) * m + row) * n + col, acc[i * RT + j]);
                    } else {
                        store(row, col, acc[i * RT + j]);
                    }
                }
            }
        }
    }

    /**
     * Reads this work-item's share of A[row0 .. row0+BT, t .. t+BK] and B[t .. t+BK, col0 .. col0+BT]
     * into {@link #nextA} and {@link #nextB}: {@code BT·BK / TS²} elements of each, neighbouring
     * work-items taking neighbouring addresses (k for row-major A, the row for transposed A, ...).
     */
    private void fetchSlices(int t, int kEnd, int row0, int col0, int tid, int aKFast, int bKFast) {
        for (int l = 0; l < BT * BK / (TS * TS); l++) {
            int e = l * TS * TS + tid;
            int r = sliceOffset(e, aKFast);
            int ka = sliceDepth(e, aKFast);
            float va = 0f;
            if (row0 + r < m && t + ka < kEnd) {
                va = loadA(row0 + r, t + ka);
            }
            nextA[l] = va;
            int cb = sliceOffset(e, bKFast);
            int kb = sliceDepth(e, bKFast);
            float vb = 0f;
            if (col0 + cb < n && t + kb < kEnd) {
                vb = loadB(t + kb, col0 + cb);
            }
            nextB[l] = vb;
        }
    }

    /** Row (of A) or column (of B) within the block of the e-th element a work-group stages. */
    private int sliceOffset(int e, int kFast) {
        int offset = e % BT;
        if (kFast == 1) {
            offset = e / BK;
        }
        return offset;
    }

    /** Depth (k within the slice) of the e-th element a work-group stages. */
    private int sliceDepth(int e, int kFast) {
        int depth = e / BT;
        if (kFast == 1) {
            depth = e % BK;
        }
        return depth;
    }

    /** Writes what {@link #fetchSlices} read to tileA[k][row] and tileB[k][column]. */
    private void stageSlices(int tid, int aKFast, int bKFast) {
        for (int l = 0; l < BT * BK / (TS * TS); l++) {
            int e = l * TS * TS + tid;
            tileA[sliceDepth(e, aKFast) * BTP + sliceOffset(e, aKFast)] = nextA[l];
            tileB[sliceDepth(e, bKFast) * BTP + sliceOffset(e, bKFast)] = nextB[l];
        }
    }

    private void runSimple() {
        if (getGlobalId(0) == 0 && getGlobalId(1) == 0) {
            checkGuards();
        }
        int col = getGlobalId(0);
        int row = getGlobalId(1);
        int lc = getLocalId(0);
        int lr = getLocalId(1);
        float sum = 0f;
        int tiles = (k + TS - 1) / TS;
        for (int t = 0; t < tiles; t++) {
            int ka = t * TS + lc;
            float va = 0f;
            if (row < m && ka < k) {
                va = loadA(row, ka);
            }
            tileA[lr * TS + lc] = va;
            int kb = t * TS + lr;
            float vb = 0f;
            if (kb < k && col < n) {
                vb = loadB(kb, col);
            }
            tileB[lr * TS + lc] = vb;
            localBarrier();
            for (int q = 0; q < TS; q++) {
                sum += tileA[lr * TS + q] * tileB[q * TS + lc];
            }
            localBarrier();
        }
        if (row < m && col < n) {
            store(row, col, sum);
        }
    }

    /** One pooling output per work-item: reads the window in {@link #c}, writes {@link #y}. */
    private void poolForward(int i) {
        int ox = i % poolOutW;
        int t = i / poolOutW;
        int oy = t % poolOutH;
        int plane = t / poolOutH;
        int base = plane * poolHeight * poolWidth;
        int best = base + oy * poolStride * poolWidth + ox * poolStride;
        float bestValue = readC(cOffset + best);
        float sum = 0f;
        for (int ki = 0; ki < poolWindow; ki++) {
            for (int kj = 0; kj < poolWindow; kj++) {
                int j = base + (oy * poolStride + ki) * poolWidth + ox * poolStride + kj;
                float v = readC(cOffset + j);
                sum += v;
                if (v > bestValue) {
                    bestValue = v;
                    best = j;
                }
            }
        }
        if (op == OP_MAX_POOL_FORWARD) {
            writeY(yOffset + i, bestValue);
            writeArgmax(argmaxOffset + i, best);
        } else {
            writeY(yOffset + i, sum / (poolWindow * poolWindow));
        }
    }

    /**
     * One pooling input per work-item, gathering dy ({@link #y}) from the windows that cover it
     * (no two items write the same element, so no atomics); writes dx into {@link #a}.
     */
    private void poolBackward(int i) {
        int ix = i % poolWidth;
        int t = i / poolWidth;
        int iy = t % poolHeight;
        int plane = t / poolHeight;
        // Output rows/columns whose window covers (iy, ix): o·s ≤ i ≤ o·s + window − 1.
        int oyFrom = iy - poolWindow + 1 < 0 ? 0 : (iy - poolWindow + 1 + poolStride - 1) / poolStride;
        int oyTo = iy / poolStride < poolOutH - 1 ? iy / poolStride : poolOutH - 1;
        int oxFrom = ix - poolWindow + 1 < 0 ? 0 : (ix - poolWindow + 1 + poolStride - 1) / poolStride;
        int oxTo = ix / poolStride < poolOutW - 1 ? ix / poolStride : poolOutW - 1;
        float sum = 0f;
        for (int oy = oyFrom; oy <= oyTo; oy++) {
            for (int ox = oxFrom; ox <= oxTo; ox++) {
                int o = (plane * poolOutH + oy) * poolOutW + ox;
                if (op == OP_AVG_POOL_BACKWARD) {
                    sum += readY(yOffset + o) / (poolWindow * poolWindow);
                } else if (readArgmax(argmaxOffset + o) == i) {
                    sum += readY(yOffset + o);
                }
            }
        }
        writeA(aOffset + i, sum);
    }

    /**
     * Convolution input gradient, one work-item per input element: {@code dx[n,c,y,x] = Σ_{f,ki,kj}
     * w[f,c,ki,kj] · dy[n,f,oy,ox]} over the output positions whose window covers (y, x), with dy
     * in {@link #a}, w in {@link #b} and dx written to {@link #c}. A gather, so no atomics.
     */
    private void inputGradient(int i) {
        int ix = i % width;
        int t = i / width;
        int iy = t % height;
        t = t / height;
        int ch = t % inChannels;
        int img = t / inChannels;
        float sum = 0f;
        for (int ki = 0; ki < kernelH; ki++) {
            int sy = iy + pad - ki;
            if (sy >= 0 && sy % stride == 0 && sy / stride < outH) {
                int oy = sy / stride;
                for (int kj = 0; kj < kernelW; kj++) {
                    int sx = ix + pad - kj;
                    if (sx >= 0 && sx % stride == 0 && sx / stride < outW) {
                        int ox = sx / stride;
                        for (int f = 0; f < filters; f++) {
                            sum += readB(bOffset + ((f * inChannels + ch) * kernelH + ki) * kernelW + kj)
                                    * readA(aOffset + ((img * filters + f) * outH + oy) * outW + ox);
                        }
                    }
                }
            }
        }
        writeC(cOffset + i, sum);
    }

    /**
     * Partial sums of a convolution's bias gradient, {@code db[f] = Σ_{n,p} dy[n,f,p]} with dy in
     * {@link #a}: the N·P terms of each filter are cut into {@link #chunks} chunks, one work-group
     * of {@link #WG} items per (chunk, filter) sums its chunk in a strided loop (neighbouring items
     * read neighbouring pixels) and a tree in local memory (the GEMM's A tile); item 0 writes
     * {@code biasPartial[f·chunks + chunk]}, and the host adds the chunks. With 32 filters and N·P =
     * 200 k terms each, one work-item per filter took 20 ms on an H200, this a fraction of a ms.
     */
    private void biasGradient() {
        int chunk = getGroupId(0);
        int f = getGlobalId(1);
        int lid = getLocalId(0);
        if (chunk == 0 && f == 0 && lid == 0) {
            checkGuards();
        }
        int terms = batch * pixels;
        float s = 0f;
        for (int e = chunk * WG + lid; e < terms; e += chunks * WG) {
            int img = e / pixels;
            s += readA(aOffset + (img * filters + f) * pixels + (e - img * pixels));
        }
        tileA[lid] = s;
        localBarrier();
        for (int span = WG / 2; span > 0; span /= 2) {
            if (lid < span) {
                tileA[lid] += tileA[lid + span];
            }
            localBarrier();
        }
        if (lid == 0) {
            if (resident == 1) {
                mem[biasPartialOffset + f * chunks + chunk] = tileA[0];
            } else {
                biasPartial[f * chunks + chunk] = tileA[0];
            }
        }
    }

    private float loadA(int row, int kk) {
        float v = 0f;
        if (aMode == A_DY_CHANNEL_MAJOR) {
            int pixels = outH * outW;
            int img = kk / pixels;
            int p = kk - img * pixels;
            v = readA(aOffset + (img * filters + row) * pixels + p);
        } else if (transA == 0) {
            v = readA(aOffset + row * k + kk);
        } else {
            v = readA(aOffset + kk * m + row);
        }
        return v;
    }

    private float loadB(int kk, int col) {
        float v = 0f;
        if (bMode == B_IM2COL) {
            v = im2col(kk, col);
        } else if (bMode == B_IM2COL_T) {
            v = im2col(col, kk);
        } else if (transB == 0) {
            v = readB(bOffset + kk * n + col);
        } else {
            v = readB(bOffset + col * k + kk);
        }
        return v;
    }

    /** im2col(x)[patchRow, column]: patchRow = (c, ki, kj), column = (image, oy, ox); zero in the padding. */
    private float im2col(int patchRow, int column) {
        int area = kernelH * kernelW;
        int ch = patchRow / area;
        int r = patchRow - ch * area;
        int ki = r / kernelW;
        int kj = r - ki * kernelW;
        int pixels = outH * outW;
        int img = column / pixels;
        int p = column - img * pixels;
        int oy = p / outW;
        int ox = p - oy * outW;
        int iy = oy * stride - pad + ki;
        int ix = ox * stride - pad + kj;
        float v = 0f;
        if (iy >= 0 && iy < height && ix >= 0 && ix < width) {
            v = readB(bOffset + ((img * inChannels + ch) * height + iy) * width + ix);
        }
        return v;
    }

    private void store(int row, int col, float value) {
        if (cMode != C_PLAIN) {
            int pixels = outH * outW;
            int img = col / pixels;
            int p = col - img * pixels;
            float v = value + readBias(biasOffset + row);
            if (cMode == C_CONV_OUT_RELU && v < 0f) {
                v = 0f; // as Math.max(v, 0f) on the CPU but for the sign of a zero: NaN stays NaN
            }
            writeC(cOffset + (img * filters + row) * pixels + p, v);
        } else {
            int i = cOffset + row * n + col;
            if (beta == 0f) {
                writeC(i, alpha * value); // C may hold garbage (even NaN) when beta is 0: never read it
            } else {
                writeC(i, alpha * value + beta * readC(i));
            }
        }
    }

    /** One element (or row, for the loss) of the resident step's element-wise operations. */
    private void residentElement(int i) {
        if (op == OP_COPY) {
            write(dstKind, dst + i, read(srcKind, src + i));
        } else if (op == OP_FILL) {
            mem[dst + i] = fillValue;
        } else if (op == OP_RELU) {
            // y = max(x, 0), as the CPU's ReLU (NaN stays NaN)
            float v = mem[src + i];
            if (v < 0f) {
                v = 0f;
            }
            mem[dst + i] = v;
        } else if (op == OP_RELU_BACKWARD) {
            // dx = dy where y > 0, else 0 (src: dy, src2: y)
            float g = 0f;
            if (mem[src2 + i] > 0f) {
                g = mem[src + i];
            }
            mem[dst + i] = g;
        } else if (op == OP_ADD_BIAS) {
            // y[r, j] += b[j] over rows of cols
            mem[dst + i] += mem[src + i % cols];
        } else if (op == OP_SUM_SLICES) {
            sumSlices(i);
        } else if (op == OP_SOFTMAX_CROSS_ENTROPY) {
            softmaxCrossEntropy(i);
        } else if (op == OP_MULTICLASS_HINGE) {
            multiclassHinge(i);
        } else if (op == OP_ADAM) {
            adam(i);
        } else if (op == OP_SGD) {
            sgd(i);
        } else if (op == OP_SET_GUARD) {
            mem[guardIndex] = residentToken;
        } else if (op == OP_ACTIVATION) {
            mem[dst + i] = activate(mem[src + i]);
        } else if (op == OP_ACTIVATION_BACKWARD) {
            // dx = dy · f'(x, y) (src: dy, src2: x, src3: y)
            mem[dst + i] = mem[src + i] * derivative(mem[src2 + i], mem[src3 + i]);
        } else if (op == OP_ADAGRAD) {
            adaGrad(i);
        } else if (op == OP_RMSPROP) {
            rmsProp(i);
        } else if (op == OP_SCALE) {
            mem[dst + i] = mem[dst + i] * mem[src];
        } else if (op == OP_DROPOUT) {
            dropout(i);
        } else if (op == OP_MULTIPLY) {
            mem[dst + i] = mem[src + i] * mem[src2 + i];
        } else if (op == OP_CELL_FORWARD) {
            cellForward(i);
        } else if (op == OP_CELL_BACKWARD) {
            cellBackward(i);
        } else if (op == OP_ZERO_PADDING) {
            // y[i, t, column + j] = 0 where t is past sequence i's end (src: unused)
            int j = i % hidden;
            int t = (i / hidden) % steps;
            int r = i / (hidden * steps);
            if (t >= sequenceLength(r)) {
                mem[dst + (r * steps + t) * yWidth + yColumn + j] = 0f;
            }
        } else if (op == OP_EMBEDDING) {
            // y[r, d] = table[id(r), d] (src: ids, src2: table), 0 past a sequence's end
            int r = i / cols;
            int d = i - r * cols;
            float v = 0f;
            if (r % steps < sequenceLength(r / steps)) {
                v = mem[src2 + (int) mem[src + r] * cols + d];
            }
            mem[dst + i] = v;
        } else if (op == OP_EMBEDDING_BACKWARD) {
            // column d of the table's gradient (dst) += dy[r, d] (src3) at each valid row's id
            // (src): one work-item per column, so no two write the same value
            for (int r = 0; r < rows; r++) {
                if (r % steps < sequenceLength(r / steps)) {
                    int at = dst + (int) mem[src + r] * cols + i;
                    mem[at] = mem[at] + mem[src3 + r * cols + i];
                }
            }
        } else if (op == OP_LAST_STEP) {
            // y[r, j] = x[r, last valid step (or 0), j] over rows of cols
            int r = i / cols;
            int j = i - r * cols;
            mem[dst + i] = mem[src + (r * steps + lastStepOf(r, j)) * cols + j];
        } else if (op == OP_LAST_STEP_BACKWARD) {
            int r = i / cols;
            int j = i - r * cols;
            mem[dst + (r * steps + lastStepOf(r, j)) * cols + j] = mem[src + i];
        }
    }

    /** The activation {@link #activation} of x, as the CPU layer computes it. */
    private float activate(float x) {
        float y = x;
        if (activation == ACT_LEAKY_RELU) {
            if (x <= 0f) {
                y = slope * x;
            }
        } else if (activation == ACT_ELU) {
            if (x <= 0f) {
                y = slope * (exp(x) - 1f);
            }
        } else if (activation == ACT_SIGMOID) {
            y = sigmoid(x);
        } else if (activation == ACT_TANH) {
            // tanh |x| = (1 − e^{−2|x|}) / (1 + e^{−2|x|}): no overflow for large |x|
            float e = exp(-2f * abs(x));
            y = (1f - e) / (1f + e);
            if (x < 0f) {
                y = -y;
            }
        } else if (activation == ACT_GELU) {
            y = x * normalCdf(x);
        }
        return y;
    }

    /** f'(x) of {@link #activation}, given x and y = f(x). */
    private float derivative(float x, float y) {
        float d = 1f;
        if (activation == ACT_LEAKY_RELU) {
            if (x <= 0f) {
                d = slope;
            }
        } else if (activation == ACT_ELU) {
            if (x <= 0f) {
                d = y + slope;
            }
        } else if (activation == ACT_SIGMOID) {
            d = y * (1f - y);
        } else if (activation == ACT_TANH) {
            d = 1f - y * y;
        } else if (activation == ACT_GELU) {
            d = normalCdf(x) + x * 0.3989422804f * exp(-0.5f * x * x);
        }
        return d;
    }

    private float sigmoid(float x) {
        float y = 0f;
        if (x >= 0f) {
            y = 1f / (1f + exp(-x));
        } else {
            float e = exp(x);
            y = e / (1f + e);
        }
        return y;
    }

    /** Φ(x) through the CPU's erfc (Numerical Recipes' erfcc), in floats. */
    private float normalCdf(float x) {
        float z = -x * 0.70710678f;
        float a = abs(z);
        float t = 1f / (1f + 0.5f * a);
        float poly = -1.26551223f
                + t
                        * (1.00002368f
                                + t
                                        * (0.37409196f
                                                + t
                                                        * (0.09678418f
                                                                + t
                                                                        * (-0.18628806f
                                                                                + t
                                                                                        * (0.27886807f
                                                                                                + t
                                                                                                        * (-1.13520398f
                                                                                                                + t
                                                                                                                        * (1.48851587f
                                                                                                                                + t
                                                                                                                                        * (-0.82215223f
                                                                                                                                                + t
                                                                                                                                                        * 0.17087277f))))))));
        float r = t * exp(-a * a + poly);
        if (z < 0f) {
            r = 2f - r;
        }
        return 0.5f * r;
    }

    /** Index of the e-th value of channel c in [N, C, spatial]. */
    private int channelIndex(int e, int c) {
        int img = e / spatial;
        return (img * channels + c) * spatial + (e - img * spatial);
    }

    /** A work-group's sum of {@code value} over its items, through {@link #tileA}; every item gets it. */
    private float groupSum(float value, int lid) {
        tileA[lid] = value;
        localBarrier();
        for (int span = WG / 2; span > 0; span /= 2) {
            if (lid < span) {
                tileA[lid] += tileA[lid + span];
            }
            localBarrier();
        }
        float sum = tileA[0];
        localBarrier(); // everyone has read the sum before the next use of the tile
        return sum;
    }

    /**
     * BatchNorm in training, one work-group per channel: the batch mean and biased variance (two
     * passes, as the CPU), x̂ and y = γ·x̂ + β, 1/σ, and the running statistics (unbiased variance).
     */
    private void batchNorm() {
        int c = getGroupId(0);
        int lid = getLocalId(0);
        int count = batch * spatial;
        float s = 0f;
        for (int e = lid; e < count; e += WG) {
            s += mem[src + channelIndex(e, c)];
        }
        float mean = groupSum(s, lid) / count;
        float q = 0f;
        for (int e = lid; e < count; e += WG) {
            float d = mem[src + channelIndex(e, c)] - mean;
            q += d * d;
        }
        float sq = groupSum(q, lid);
        float is = 1f / sqrt(sq / count + eps);
        float g = mem[gammaOffset + c];
        float b = mem[betaOffset + c];
        for (int e = lid; e < count; e += WG) {
            int at = channelIndex(e, c);
            float h = (mem[src + at] - mean) * is;
            mem[src2 + at] = h;
            mem[dst + at] = g * h + b;
        }
        if (lid == 0) {
            mem[src3 + c] = is;
            mem[meanOffset + c] = (1f - momentum) * mem[meanOffset + c] + momentum * mean;
            mem[varOffset + c] = (1f - momentum) * mem[varOffset + c] + momentum * (sq / (count - 1));
        }
    }

    /**
     * BatchNorm's backward, one work-group per channel: dγ += Σ dy·x̂, dβ += Σ dy, and (where dst ≥
     * 0) dx = γ/σ/M · (M·dy − Σdy − x̂·Σ(dy·x̂)); src: dy, src2: x̂, src3: 1/σ.
     */
    private void batchNormBackward() {
        int c = getGroupId(0);
        int lid = getLocalId(0);
        int count = batch * spatial;
        float sdy = 0f;
        float sdyh = 0f;
        for (int e = lid; e < count; e += WG) {
            int at = channelIndex(e, c);
            sdy += mem[src + at];
            sdyh += mem[src + at] * mem[src2 + at];
        }
        float sumDy = groupSum(sdy, lid);
        float sumDyH = groupSum(sdyh, lid);
        if (lid == 0) {
            mem[dGammaOffset + c] += sumDyH;
            mem[dBetaOffset + c] += sumDy;
        }
        if (dst >= 0) {
            float k = mem[gammaOffset + c] * mem[src3 + c] / count;
            for (int e = lid; e < count; e += WG) {
                int at = channelIndex(e, c);
                mem[dst + at] = k * (count * mem[src + at] - sumDy - mem[src2 + at] * sumDyH);
            }
        }
    }

    /**
     * LayerNorm of row r (one work-group per row of {@link #cols} values) as the CPU's: mean and
     * biased variance in two passes, x̂ (src2) and y = γ·x̂ + β (dst), 1/σ at src3 + r. Every
     * work-item sums the whole row itself: with the work-group tree of {@link #groupSum} here,
     * pocl gave results that changed from run to run (BatchNorm's identical use of it does not;
     * the cause is not found), and a row is short enough for each item to read.
     */
    private void layerNorm() {
        int r = getGroupId(0);
        int lid = getLocalId(0);
        int base = r * cols;
        float s = 0f;
        for (int j = 0; j < cols; j++) {
            s += mem[src + base + j];
        }
        float mean = s / cols;
        float sq = 0f;
        for (int j = 0; j < cols; j++) {
            float d = mem[src + base + j] - mean;
            sq += d * d;
        }
        float is = 1f / sqrt(sq / cols + eps);
        for (int j = lid; j < cols; j += WG) {
            float h = (mem[src + base + j] - mean) * is;
            mem[src2 + base + j] = h;
            mem[dst + base + j] = mem[gammaOffset + j] * h + mem[betaOffset + j];
        }
        if (lid == 0) {
            mem[src3 + r] = is;
        }
    }

    /**
     * LayerNorm's backward of row r: dx (dst, where ≥ 0) = 1/σ/D · (D·ĝ − Σĝ − x̂·Σ(ĝ·x̂)), ĝ =
     * dy·γ; dy·x̂ per element to {@link #productOffset} (γ's gradient, summed over rows after).
     */
    private void layerNormBackward() {
        int r = getGroupId(0);
        int lid = getLocalId(0);
        int base = r * cols;
        float sumG = 0f;
        float sumGH = 0f;
        for (int j = 0; j < cols; j++) {
            float gh = mem[src + base + j] * mem[gammaOffset + j];
            sumG += gh;
            sumGH += gh * mem[src2 + base + j];
        }
        for (int j = lid; j < cols; j += WG) {
            mem[productOffset + base + j] = mem[src + base + j] * mem[src2 + base + j];
        }
        if (dst >= 0) {
            float k = mem[src3 + r] / cols;
            for (int j = lid; j < cols; j += WG) {
                float gh = mem[src + base + j] * mem[gammaOffset + j];
                mem[dst + base + j] = k * (cols * gh - sumG - mem[src2 + base + j] * sumGH);
            }
        }
    }

    /** Partial sums of squares of src[0, total), one per work-group ({@link #chunks} of them), at dst. */
    private void squareSums() {
        int group = getGroupId(0);
        int lid = getLocalId(0);
        float s = 0f;
        for (int e = group * WG + lid; e < total; e += chunks * WG) {
            float g = mem[src + e];
            s += g * g;
        }
        float sum = groupSum(s, lid);
        if (lid == 0) {
            mem[dst + group] = sum;
        }
    }

    /**
     * One work-group: the global norm from the {@link #chunks} partial sums at src, and the factor
     * that clips it to {@link #maxNorm} (1 when it is within) at dst, as the CPU's clipping.
     */
    private void clipFactor() {
        int lid = getLocalId(0);
        float s = 0f;
        for (int e = lid; e < chunks; e += WG) {
            s += mem[src + e];
        }
        float sum = groupSum(s, lid);
        if (lid == 0) {
            float factor = maxNorm / (sqrt(sum) + 1e-6f);
            if (factor >= 1f) {
                factor = 1f;
            }
            mem[dst] = factor;
        }
    }

    /** AdaGrad on one element: w at dst, g at src, the sum of squares at src2. */
    private void adaGrad(int i) {
        float w = mem[dst + i];
        float g = penalised(w, mem[src + i]);
        float s = mem[src2 + i] + g * g;
        mem[src2 + i] = s;
        mem[dst + i] = w - stepSize * g / (sqrt(s) + eps);
    }

    /** RMSProp on one element: w at dst, g at src, the squared-gradient average at src2. */
    private void rmsProp(int i) {
        float w = mem[dst + i];
        float g = penalised(w, mem[src + i]);
        float v = decayRate * mem[src2 + i] + (1f - decayRate) * g * g;
        mem[src2 + i] = v;
        mem[dst + i] = w - stepSize * g / (sqrt(v) + eps);
    }

    /**
     * Inverted dropout forward on element i of x (src): y (dst) = x / (1 − p) where kept, else 0,
     * and the mask (src2: 1/(1 − p) or 0); the keep decision is the CPU's counter-based draw.
     */
    private void dropout(int i) {
        float keep = 1f / (1f - dropP);
        if (uniform(keyLo, keyHi, i) < dropP) {
            keep = 0f;
        }
        mem[src2 + i] = keep;
        mem[dst + i] = mem[src + i] * keep;
    }

    /**
     * A uniform float in [0, 1) for element i under key (lo, hi): {@code DropoutMask.uniform}, the
     * CPU's, word for word (32-bit integer arithmetic wraps the same in Java and OpenCL).
     */
    private float uniform(int lo, int hi, int i) {
        int h = mix(lo ^ mix(hi + i * 0x9E3779B9));
        return ((h >> 8) & 0xFFFFFF) * 5.9604645e-8f;
    }

    /** Murmur3's 32-bit finaliser, with logical shifts written as masked arithmetic ones. */
    private int mix(int v) {
        int h = v;
        h ^= (h >> 16) & 0xFFFF;
        h *= 0x85EBCA6B;
        h ^= (h >> 13) & 0x7FFFF;
        h *= 0xC2B2AE35;
        h ^= (h >> 16) & 0xFFFF;
        return h;
    }

    /**
     * {@code dst[i] = alpha·Σ_q src[i·itemStride + q·sliceStride] + beta·dst[i]} over q < slices:
     * a split product's partial sums (itemStride 1, sliceStride m·n), the bias gradient's partial
     * sums (chunks, 1), or a dense layer's bias gradient, the column sums of dy (1, columns).
     */
    private void sumSlices(int i) {
        float sum = 0f;
        for (int q = 0; q < slices; q++) {
            sum += mem[src + i * itemStride + q * sliceStride];
        }
        if (beta == 0f) {
            mem[dst + i] = alpha * sum;
        } else {
            mem[dst + i] = alpha * sum + beta * mem[dst + i];
        }
    }

    /**
     * Softmax cross-entropy of row i of the logits z[rows, cols] (src) against its label (src2):
     * dz (dst) = (softmax(z) − onehot) / rows, the row's loss at src3 + i and 1 at src3 + rows + i
     * when its arg-max (the first largest) is the label.
     */
    private void softmaxCrossEntropy(int i) {
        int base = src + i * cols;
        float largest = mem[base];
        int best = 0;
        for (int j = 1; j < cols; j++) {
            if (mem[base + j] > largest) {
                largest = mem[base + j];
                best = j;
            }
        }
        float sum = 0f;
        for (int j = 0; j < cols; j++) {
            sum += exp(mem[base + j] - largest);
        }
        int label = (int) mem[src2 + i];
        float scale = 1f / rows;
        for (int j = 0; j < cols; j++) {
            float g = exp(mem[base + j] - largest) / sum * scale;
            if (j == label) {
                g -= scale;
            }
            mem[dst + i * cols + j] = g;
        }
        mem[src3 + i] = log(sum) + largest - mem[base + label];
        float hit = 0f;
        if (best == label) {
            hit = 1f;
        }
        mem[src3 + rows + i] = hit;
    }

    /**
     * The multiclass hinge loss (margin 1) of row i, as {@link #softmaxCrossEntropy} lays it out:
     * each class j ≠ label with s_j − s_label + 1 > 0 adds that margin to the row's loss, 1/rows
     * to its gradient and −1/rows to the label's.
     */
    private void multiclassHinge(int i) {
        int base = src + i * cols;
        int label = (int) mem[src2 + i];
        float correct = mem[base + label];
        float scale = 1f / rows;
        float loss = 0f;
        float labelGrad = 0f;
        int best = 0;
        for (int j = 0; j < cols; j++) {
            if (mem[base + j] > mem[base + best]) {
                best = j;
            }
            float g = 0f;
            if (j != label) {
                float margin = mem[base + j] - correct + 1f;
                if (margin > 0f) {
                    loss += margin;
                    g = scale;
                    labelGrad -= scale;
                }
            }
            mem[dst + i * cols + j] = g;
        }
        mem[dst + i * cols + label] = labelGrad;
        mem[src3 + i] = loss;
        float hit = 0f;
        if (best == label) {
            hit = 1f;
        }
        mem[src3 + rows + i] = hit;
    }

    /**
     * One work-group sums the step's per-row losses and hits (src, src + rows) into {@link
     * #result}, and reports whether the arena still holds its guard token.
     */
    private void stepResult() {
        int lid = getLocalId(0);
        float loss = 0f;
        float hits = 0f;
        for (int j = lid; j < rows; j += WG) {
            loss += mem[src + j];
            hits += mem[src + rows + j];
        }
        tileA[lid] = loss;
        tileB[lid] = hits;
        localBarrier();
        for (int span = WG / 2; span > 0; span /= 2) {
            if (lid < span) {
                tileA[lid] += tileA[lid + span];
                tileB[lid] += tileB[lid + span];
            }
            localBarrier();
        }
        if (lid == 0) {
            result[0] = tileA[0];
            result[1] = tileB[0];
            float lost = 0f;
            if (mem[guardIndex] != residentToken) {
                lost = 1f;
            }
            result[2] = lost;
        }
    }

    /** The gradient at i with the L1/L2 penalties of a decayed parameter (l1 = l2 = 0 otherwise). */
    private float penalised(float w, float g) {
        float sign = 0f;
        if (w > 0f) {
            sign = 1f;
        } else if (w < 0f) {
            sign = -1f;
        }
        return g + (l2 * w + l1 * sign);
    }

    /** Adam (AdamW with decay ≠ 1) on one element: w at dst, g at src, m at src2, v at src3. */
    private void adam(int i) {
        float w = mem[dst + i];
        float g = penalised(w, mem[src + i]);
        float m = beta1 * mem[src2 + i] + oneMinusBeta1 * g;
        float v = beta2 * mem[src3 + i] + oneMinusBeta2 * g * g;
        mem[src2 + i] = m;
        mem[src3 + i] = v;
        mem[dst + i] = w * decay - stepSize * m / (sqrt(v) / sqrtBc2 + eps);
    }

    /** SGD on one element: w at dst, g at src, the momentum buffer (if momentum > 0) at src2. */
    private void sgd(int i) {
        float w = mem[dst + i];
        float g = penalised(w, mem[src + i]);
        if (momentum == 0f) {
            mem[dst + i] = w - stepSize * g;
        } else {
            float b = momentum * mem[src2 + i] + g;
            mem[src2 + i] = b;
            float update = b;
            if (nesterov == 1) {
                update = g + momentum * b;
            }
            mem[dst + i] = w - stepSize * update;
        }
    }

    private float read(int kind, int i) {
        float v = 0f;
        if (kind == KIND_MEM) {
            v = mem[i];
        } else if (kind == KIND_STAGING) {
            v = staging[i];
        } else {
            v = batchIn[i];
        }
        return v;
    }

    private void write(int kind, int i, float v) {
        if (kind == KIND_MEM) {
            mem[i] = v;
        } else {
            staging[i] = v;
        }
    }

    // Operand access: the host-call fields, or the arena in a resident step.

    private float readA(int i) {
        float v = 0f;
        if (resident == 1) {
            v = mem[i];
        } else {
            v = a[i];
        }
        return v;
    }

    private void writeA(int i, float v) {
        if (resident == 1) {
            mem[i] = v;
        } else {
            a[i] = v;
        }
    }

    private float readB(int i) {
        float v = 0f;
        if (resident == 1) {
            v = mem[i];
        } else {
            v = b[i];
        }
        return v;
    }

    private float readC(int i) {
        float v = 0f;
        if (resident == 1) {
            v = mem[i];
        } else {
            v = c[i];
        }
        return v;
    }

    private void writeC(int i, float v) {
        if (resident == 1) {
            mem[i] = v;
        } else {
            c[i] = v;
        }
    }

    private float readY(int i) {
        float v = 0f;
        if (resident == 1) {
            v = mem[i];
        } else {
            v = y[i];
        }
        return v;
    }

    private void writeY(int i, float v) {
        if (resident == 1) {
            mem[i] = v;
        } else {
            y[i] = v;
        }
    }

    private float readBias(int i) {
        float v = 0f;
        if (resident == 1) {
            v = mem[i];
        } else {
            v = bias[i];
        }
        return v;
    }

    private int readArgmax(int i) {
        int v = 0;
        if (resident == 1) {
            v = imem[i];
        } else {
            v = argmax[i];
        }
        return v;
    }

    private void writeArgmax(int i, int v) {
        if (resident == 1) {
            imem[i] = v;
        } else {
            argmax[i] = v;
        }
    }

    /** Valid steps of sequence r: its length where lengths were uploaded, else all. */
    private int sequenceLength(int r) {
        int len = steps;
        if (lengthsOffset >= 0) {
            len = (int) mem[lengthsOffset + r];
        }
        return len;
    }

    /** The step the `last` layer reads feature j of sequence r at. */
    private int lastStepOf(int r, int j) {
        int at = 0;
        if (j < lastFeatures) {
            at = sequenceLength(r) - 1;
        }
        return at;
    }

    private float cellSigmoid(float x) {
        return 1f / (1f + exp(-x));
    }

    private float cellTanh(float x) {
        float e = exp(-2f * abs(x));
        float t = (1f - e) / (1f + e);
        if (x < 0f) {
            t = -t;
        }
        return t;
    }

    /**
     * One hidden unit j of sequence r at step s of a recurrent direction, as the CPU's cells: xp
     * (src) holds every step's input projection [rows·steps, G·H], hp (src2) this step's recurrent
     * one [rows, G·H]; h and c are [steps + 1, rows, H] in step order. Past a sequence's end the
     * state stays and nothing is written to y (dst).
     */
    private void cellForward(int e) {
        int r = e / hidden;
        int j = e - r * hidden;
        int nh = rows * hidden;
        int prev = step * nh + r * hidden + j;
        int out = prev + nh;
        int len = sequenceLength(r);
        if (step >= len) {
            mem[hOffset + out] = mem[hOffset + prev];
            if (cellKind == CELL_LSTM) {
                mem[cOffset2 + out] = mem[cOffset2 + prev];
            }
        } else {
            int t = step;
            if (reverse == 1) {
                t = len - 1 - step;
            }
            int xo = src + (r * steps + t) * gateWidth + j;
            int ho = src2 + r * gateWidth + j;
            int so = savedOffset + (step * rows + r) * savedWidth * hidden + j;
            float hNew = 0f;
            if (cellKind == CELL_LSTM) {
                float gi = cellSigmoid(mem[xo] + mem[ho]);
                float gf = cellSigmoid(mem[xo + hidden] + mem[ho + hidden]);
                float gg = cellTanh(mem[xo + 2 * hidden] + mem[ho + 2 * hidden]);
                float go = cellSigmoid(mem[xo + 3 * hidden] + mem[ho + 3 * hidden]);
                float cn = gf * mem[cOffset2 + prev] + gi * gg;
                mem[cOffset2 + out] = cn;
                hNew = go * cellTanh(cn);
                mem[so] = gi;
                mem[so + hidden] = gf;
                mem[so + 2 * hidden] = gg;
                mem[so + 3 * hidden] = go;
            } else if (cellKind == CELL_GRU) {
                float gr = cellSigmoid(mem[xo] + mem[ho]);
                float gz = cellSigmoid(mem[xo + hidden] + mem[ho + hidden]);
                float hn = mem[ho + 2 * hidden];
                float gn = cellTanh(mem[xo + 2 * hidden] + gr * hn);
                hNew = (1f - gz) * gn + gz * mem[hOffset + prev];
                mem[so] = gr;
                mem[so + hidden] = gz;
                mem[so + 2 * hidden] = gn;
                mem[so + 3 * hidden] = hn;
            } else {
                hNew = cellTanh(mem[xo] + mem[ho]);
            }
            mem[hOffset + out] = hNew;
            mem[dst + (r * steps + t) * yWidth + yColumn + j] = hNew;
        }
    }

    /**
     * The backward of {@link #cellForward} for unit j of sequence r at step s: the output's
     * gradient (src, y's layout) joins dh; the gates' gradients go to dgx (dst, xp's layout) and
     * dgh (src2, hp's layout), the carried ones to dc (in place) and dhPrev. Past a sequence's end
     * the gradient only passes through.
     */
    private void cellBackward(int e) {
        int r = e / hidden;
        int j = e - r * hidden;
        int nh = rows * hidden;
        int prev = step * nh + r * hidden + j;
        int out = prev + nh;
        int row = r * hidden + j;
        int gho = src2 + r * gateWidth + j;
        int len = sequenceLength(r);
        if (step >= len) {
            for (int g = 0; g < gateWidth / hidden; g++) {
                mem[gho + g * hidden] = 0f;
            }
            mem[dhPrevOffset + row] = mem[dhOffset + row];
        } else {
            int t = step;
            if (reverse == 1) {
                t = len - 1 - step;
            }
            float dhj = mem[dhOffset + row] + mem[src + (r * steps + t) * yWidth + yColumn + j];
            int gxo = dst + (r * steps + t) * gateWidth + j;
            int so = savedOffset + (step * rows + r) * savedWidth * hidden + j;
            if (cellKind == CELL_LSTM) {
                float gi = mem[so];
                float gf = mem[so + hidden];
                float gg = mem[so + 2 * hidden];
                float go = mem[so + 3 * hidden];
                float tc = cellTanh(mem[cOffset2 + out]);
                float dct = mem[dcOffset + row] + dhj * go * (1f - tc * tc);
                float di = dct * gg * gi * (1f - gi);
                float df = dct * mem[cOffset2 + prev] * gf * (1f - gf);
                float dg = dct * gi * (1f - gg * gg);
                float dout = dhj * tc * go * (1f - go);
                mem[dcOffset + row] = dct * gf;
                mem[gxo] = di;
                mem[gxo + hidden] = df;
                mem[gxo + 2 * hidden] = dg;
                mem[gxo + 3 * hidden] = dout;
                mem[gho] = di;
                mem[gho + hidden] = df;
                mem[gho + 2 * hidden] = dg;
                mem[gho + 3 * hidden] = dout;
                mem[dhPrevOffset + row] = 0f;
            } else if (cellKind == CELL_GRU) {
                float gr = mem[so];
                float gz = mem[so + hidden];
                float gn = mem[so + 2 * hidden];
                float hn = mem[so + 3 * hidden];
                float dn = dhj * (1f - gz) * (1f - gn * gn);
                float dz = dhj * (mem[hOffset + prev] - gn) * gz * (1f - gz);
                float dr = dn * hn * gr * (1f - gr);
                mem[gxo] = dr;
                mem[gxo + hidden] = dz;
                mem[gxo + 2 * hidden] = dn;
                mem[gho] = dr;
                mem[gho + hidden] = dz;
                mem[gho + 2 * hidden] = dn * gr;
                mem[dhPrevOffset + row] = dhj * gz;
            } else {
                float y = mem[hOffset + out];
                float da = dhj * (1f - y * y);
                mem[gxo] = da;
                mem[gho] = da;
                mem[dhPrevOffset + row] = 0f;
            }
        }
    }
}
