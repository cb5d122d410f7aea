package org.sparkdl.opencl;

import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.PoolGeometry;

/**
 * One spec layer of a resident step: its forward and backward as launches over the arena, for a
 * batch of {@code n} rows (at most the batch the arena was laid out for). Offsets are floats into
 * the arena: the layer reads its input at {@link #x}, writes its output at {@link #y}, reads the
 * output's gradient at {@link #dy} and writes the input's at {@link #dx} (-1: not needed, the
 * model's first layer). Parameter gradients are added to, as on the CPU.
 */
abstract class ResidentLayer {
    final int x;
    final int y;
    final int dy;
    final int dx;
    /** Where split products and partial sums go; shared by all layers, bound once laid out. */
    int scratch = -1;

    ResidentLayer(int x, int y, int dy, int dx) {
        this.x = x;
        this.y = y;
        this.dy = dy;
        this.dx = dx;
    }

    void bindScratch(int offset) {
        scratch = offset;
    }

    abstract void forward(ResidentOps ops, int n);

    abstract void backward(ResidentOps ops, int n);

    /**
     * Convolution: x[N,C,H,W] → y[N,F,OH,OW] with weights w[F,C,KH,KW] and bias b[F], and
     * rectified when a ReLU is fused in.
     */
    static final class Conv extends ResidentLayer {
        private final ConvGeometry perBatch;
        /** A ReLU fused in: y is rectified, and the backward first masks dy where y is 0. */
        private final boolean relu;

        private final int w;
        private final int b;
        private final int dw;
        private final int db;

        Conv(ConvGeometry geometry, boolean relu, int x, int y, int dy, int dx, int[] params) {
            super(x, y, dy, dx);
            this.perBatch = geometry;
            this.relu = relu;
            this.w = params[0];
            this.b = params[1];
            this.dw = params[2];
            this.db = params[3];
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.convForward(perBatch.withBatch(n), relu, x, w, b, y);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            ConvGeometry g = perBatch.withBatch(n);
            if (relu) {
                ops.reluBackward(dy, y, dy, g.outputSize()); // in place: dy is this layer's alone
            }
            ops.convWeightGradient(g, dy, x, dw, scratch);
            ops.convBiasGradient(g, dy, db, scratch);
            if (dx >= 0) {
                ops.convInputGradient(g, dy, w, dx);
            }
        }
    }

    /** ReLU over {@code size} values per row. */
    static final class Relu extends ResidentLayer {
        private final int size;

        Relu(int size, int x, int y, int dy, int dx) {
            super(x, y, dy, dx);
            this.size = size;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.relu(x, y, n * size);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            if (dx >= 0) {
                ops.reluBackward(dy, y, dx, n * size);
            }
        }
    }

    /** Max or average pooling: x[N,C,H,W] → y[N,C,PH,PW], argmax in the int arena for max. */
    static final class Pool extends ResidentLayer {
        private final PoolGeometry perBatch;
        private final boolean max;
        private final int argmax;

        Pool(PoolGeometry geometry, boolean max, int x, int y, int dy, int dx, int argmax) {
            super(x, y, dy, dx);
            this.perBatch = geometry;
            this.max = max;
            this.argmax = argmax;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.poolForward(perBatch.withBatch(n), max, x, y, argmax);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            if (dx >= 0) {
                ops.poolBackward(perBatch.withBatch(n), max, dy, argmax, dx);
            }
        }
    }

    /**
     * Fully connected: y[N,out] = x[N,in] · Wᵀ + b, W stored out×in; on a sequence x[N,T,in] per
     * step, as one product over the N·T rows, padded steps putting out 0 and passing no gradient.
     */
    static final class Dense extends ResidentLayer {
        private final int in;
        private final int out;
        /** Rows per sample: T on a sequence, else 1. */
        private final int steps;

        private final int w;
        private final int b;
        private final int dw;
        private final int db;

        Dense(int in, int out, int steps, int x, int y, int dy, int dx, int[] params) {
            super(x, y, dy, dx);
            this.in = in;
            this.out = out;
            this.steps = steps;
            this.w = params[0];
            this.b = params[1];
            this.dw = params[2];
            this.db = params[3];
        }

        @Override
        void forward(ResidentOps ops, int n) {
            // y[N·T,out] = x[N·T,in] · Wᵀ[in,out], then + b[out] on every row
            int rows = n * steps;
            ops.product(false, true, rows, out, in, x, w, 0f, y, scratch);
            ops.addBias(y, b, rows, out);
            if (steps > 1) {
                ops.zeroPadding(y, n, steps, out, 0, out);
            }
        }

        @Override
        void backward(ResidentOps ops, int n) {
            int rows = n * steps;
            if (steps > 1) {
                ops.zeroPadding(dy, n, steps, out, 0, out); // padded steps' gradient goes nowhere
            }
            // dW[out,in] += dyᵀ[out,N·T] · x[N·T,in];  db[out] += Σ_rows dy
            ops.product(true, false, out, in, rows, dy, x, 1f, dw, scratch);
            ops.sumSlices(db, dy, out, rows, 1, out, 1f, 1f);
            if (dx >= 0) {
                // dx[N·T,in] = dy[N·T,out] · W[out,in]
                ops.product(false, false, rows, in, out, dy, w, 0f, dx, scratch);
            }
        }
    }

    /** An element-wise activation other than ReLU ({@link DeviceKernel#ACT_LEAKY_RELU}...). */
    static final class Activation extends ResidentLayer {
        private final int kind;
        private final float slope;
        private final int size;

        Activation(int kind, float slope, int size, int x, int y, int dy, int dx) {
            super(x, y, dy, dx);
            this.kind = kind;
            this.slope = slope;
            this.size = size;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.activation(kind, slope, x, y, n * size);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            if (dx >= 0) {
                ops.activationBackward(kind, slope, dy, x, y, dx, n * size);
            }
        }
    }

    /** BatchNorm in training over x[N, channels, spatial]: x̂ and 1/σ kept for the backward. */
    static final class BatchNorm extends ResidentLayer {
        private final ResidentOps.NormOffsets offsets;
        private final int channels;
        private final int spatial;
        private final float momentum;
        private final float eps;
        private final int xhat;
        private final int invStd;

        BatchNorm(
                ResidentOps.NormOffsets offsets,
                int channels,
                int spatial,
                float momentum,
                float eps,
                int x,
                int y,
                int dy,
                int dx,
                int xhat,
                int invStd) {
            super(x, y, dy, dx);
            this.offsets = offsets;
            this.channels = channels;
            this.spatial = spatial;
            this.momentum = momentum;
            this.eps = eps;
            this.xhat = xhat;
            this.invStd = invStd;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.batchNorm(offsets, channels, spatial, n, momentum, eps, x, y, xhat, invStd);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            ops.batchNormBackward(offsets, channels, spatial, n, dy, xhat, invStd, dx);
        }
    }

    /**
     * Inverted dropout over {@code size} values per row. Each step's mask key is drawn on the host
     * from the CPU layer's own sequence ({@link #nextKey}), so the device drops what the CPU would.
     */
    static final class Dropout extends ResidentLayer {
        private final org.sparkdl.core.nn.Dropout layer;
        private final int size;
        private final int mask;
        private long key;

        Dropout(org.sparkdl.core.nn.Dropout layer, int size, int x, int y, int dy, int dx, int mask) {
            super(x, y, dy, dx);
            this.layer = layer;
            this.size = size;
            this.mask = mask;
        }

        /** Draws the next step's mask key, advancing the layer's sequence as a CPU forward would. */
        long nextKey() {
            return layer.nextMaskKey();
        }

        /** The mask key of the step about to run (a redone step runs with the key it had). */
        void useKey(long k) {
            key = k;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.dropout(key, layer.p(), x, y, mask, n * size);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            if (dx >= 0) {
                ops.multiply(dy, mask, dx, n * size);
            }
        }
    }

    /** The `last` layer: y[N, K] from x[N, T, K] at each sequence's last valid step. */
    static final class Last extends ResidentLayer {
        private final int steps;
        private final int features;
        private final int atLastStep;

        Last(int steps, int features, int atLastStep, int x, int y, int dy, int dx) {
            super(x, y, dy, dx);
            this.steps = steps;
            this.features = features;
            this.atLastStep = atLastStep;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.lastStep(x, y, n, steps, features, atLastStep);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            if (dx >= 0) {
                ops.lastStepBackward(dy, dx, n, steps, features, atLastStep);
            }
        }
    }

    /**
     * A recurrent layer (RNN, LSTM or GRU; stacked, bidirectional) over x[N, T, F], its time loops
     * on the device as the CPU's {@code RecurrentDirection} runs them: every step's input
     * projection as one product, then per step the recurrent product and the cell; backward through
     * all steps, then the input projection's gradients as products.
     */
    static final class Recurrent extends ResidentLayer {
        /** One direction of one stacked layer: its arrays and its parameters' offsets. */
        record Run(ResidentOps.Direction loop, int in, int[] params) {}

        private final int steps;
        private final Run[][] runs;
        /** Each stacked layer's input, output, output gradient and input gradient (-1: none). */
        private final int[] inputs;

        private final int[] outputs;
        private final int[] outputGrads;
        private final int[] inputGrads;
        /** Whether this step starts from the carried state (truncated BPTT), else from zeros. */
        private boolean startCarried;
        /** The previous step's longest sequence: its final state is at that step of h (and c). */
        private int carriedLongest;

        Recurrent(int steps, Run[][] runs, int[] inputs, int[] outputs, int[] outputGrads, int[] inputGrads) {
            super(inputs[0], outputs[outputs.length - 1], outputGrads[outputGrads.length - 1], inputGrads[0]);
            this.steps = steps;
            this.runs = runs;
            this.inputs = inputs;
            this.outputs = outputs;
            this.outputGrads = outputGrads;
            this.inputGrads = inputGrads;
        }

        /** The next step starts from the state the last one ended in ({@code carried}), or from zeros. */
        void startFrom(boolean carried) {
            startCarried = carried;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            for (int l = 0; l < runs.length; l++) {
                for (Run run : runs[l]) {
                    forward(ops, run, n, inputs[l], outputs[l]);
                }
            }
            carriedLongest = ops.longest();
        }

        private void forward(ResidentOps ops, Run run, int n, int input, int output) {
            ResidentOps.Direction d = run.loop();
            int gh = d.gateWidth();
            int nh = n * d.hidden();
            // xp[N·T, G·H] = x[N·T, F] · W_ihᵀ + b_ih: every step's input projection in one product
            ops.product(false, true, n * steps, gh, run.in(), input, run.params()[0], 0f, d.xp(), scratch);
            ops.addBias(d.xp(), run.params()[2], n * steps, gh);
            if (startCarried) {
                // the previous step's final state, detached: the same rows carry on
                ops.move(d.h() + carriedLongest * nh, d.h(), nh);
                if (d.c() >= 0) {
                    ops.move(d.c() + carriedLongest * nh, d.c(), nh);
                }
            } else {
                ops.fill(d.h(), nh, 0f);
                if (d.c() >= 0) {
                    ops.fill(d.c(), nh, 0f);
                }
            }
            ops.zeroPadding(output, n, steps, d.yWidth(), d.yColumn(), d.hidden());
            for (int s = 0; s < ops.longest(); s++) {
                // hp[N, G·H] = h_s[N, H] · W_hhᵀ + b_hh, then the cell
                ops.product(false, true, n, gh, d.hidden(), d.h() + s * nh, run.params()[1], 0f, d.hp(), scratch);
                ops.addBias(d.hp(), run.params()[3], n, gh);
                ops.cellForward(d, n, steps, s, output);
            }
        }

        @Override
        void backward(ResidentOps ops, int n) {
            for (int l = runs.length - 1; l >= 0; l--) {
                for (int dir = 0; dir < runs[l].length; dir++) {
                    backward(ops, runs[l][dir], n, inputs[l], outputGrads[l], inputGrads[l], dir > 0);
                }
            }
        }

        private void backward(ResidentOps ops, Run run, int n, int input, int dy, int inputGrad, boolean accumulate) {
            ResidentOps.Direction d = run.loop();
            int gh = d.gateWidth();
            int hs = d.hidden();
            int nh = n * hs;
            int[] p = run.params(); // W_ih, W_hh, b_ih, b_hh, then their gradients
            ops.fill(d.dgx(), n * steps * gh, 0f); // padded steps keep 0
            ops.fill(d.dh(), nh, 0f);
            ops.fill(d.dc(), nh, 0f);
            int dh = d.dh();
            int dhPrev = d.dhPrev();
            for (int s = ops.longest() - 1; s >= 0; s--) {
                ops.cellBackward(d, n, steps, s, dy, dh, dhPrev);
                // dh_{s−1}[N, H] += dhp · W_hh;  dW_hh += dhpᵀ · h_s;  db_hh += Σ_N dhp
                ops.product(false, false, n, hs, gh, d.dgh(), p[1], 1f, dhPrev, scratch);
                ops.product(true, false, gh, hs, n, d.dgh(), d.h() + s * nh, 1f, p[5], scratch);
                ops.sumSlices(p[7], d.dgh(), gh, n, 1, gh, 1f, 1f);
                int swap = dh;
                dh = dhPrev;
                dhPrev = swap;
            }
            // dW_ih += dxpᵀ · x;  db_ih += Σ dxp;  dx (+)= dxp · W_ih
            ops.product(true, false, gh, run.in(), n * steps, d.dgx(), input, 1f, p[4], scratch);
            ops.sumSlices(p[6], d.dgx(), gh, n * steps, 1, gh, 1f, 1f);
            if (inputGrad >= 0) {
                ops.product(
                        false, false, n * steps, run.in(), gh, d.dgx(), p[0], accumulate ? 1f : 0f, inputGrad, scratch);
            }
        }
    }

    /** LayerNorm over each row's {@code size} values, with an element-wise γ and β. */
    static final class LayerNorm extends ResidentLayer {
        private final int size;
        private final float eps;
        private final int[] params;
        private final int xhat;
        private final int invStd;
        private final int products;

        /** @param params γ, β, dγ, dβ */
        LayerNorm(int size, float eps, int x, int y, int dy, int dx, int[] params, int xhat, int invStd, int products) {
            super(x, y, dy, dx);
            this.size = size;
            this.eps = eps;
            this.params = params;
            this.xhat = xhat;
            this.invStd = invStd;
            this.products = products;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.layerNorm(params[0], params[1], size, n, eps, x, y, xhat, invStd);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            ops.layerNormBackward(params[0], params[2], params[3], size, n, dy, xhat, invStd, dx, products);
        }
    }

    /** Token ids x[N, T] → y[N, T, dim] from the table; the model's first layer (ids are data). */
    static final class Embedding extends ResidentLayer {
        private final int steps;
        private final int dim;
        private final int table;
        private final int dTable;

        Embedding(int steps, int dim, int x, int y, int dy, int table, int dTable) {
            super(x, y, dy, -1);
            this.steps = steps;
            this.dim = dim;
            this.table = table;
            this.dTable = dTable;
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.embedding(x, table, y, n, steps, dim);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            ops.embeddingBackward(x, dy, dTable, n, steps, dim);
        }
    }
}
