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

    /** Convolution: x[N,C,H,W] → y[N,F,OH,OW] with weights w[F,C,KH,KW] and bias b[F]. */
    static final class Conv extends ResidentLayer {
        private final ConvGeometry perBatch;
        private final int w;
        private final int b;
        private final int dw;
        private final int db;

        Conv(ConvGeometry geometry, int x, int y, int dy, int dx, int[] params) {
            super(x, y, dy, dx);
            this.perBatch = geometry;
            this.w = params[0];
            this.b = params[1];
            this.dw = params[2];
            this.db = params[3];
        }

        @Override
        void forward(ResidentOps ops, int n) {
            ops.convForward(perBatch.withBatch(n), x, w, b, y);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            ConvGeometry g = perBatch.withBatch(n);
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

    /** Fully connected: y[N,out] = x[N,in] · Wᵀ + b, W stored out×in. */
    static final class Dense extends ResidentLayer {
        private final int in;
        private final int out;
        private final int w;
        private final int b;
        private final int dw;
        private final int db;

        Dense(int in, int out, int x, int y, int dy, int dx, int[] params) {
            super(x, y, dy, dx);
            this.in = in;
            this.out = out;
            this.w = params[0];
            this.b = params[1];
            this.dw = params[2];
            this.db = params[3];
        }

        @Override
        void forward(ResidentOps ops, int n) {
            // y[N,out] = x[N,in] · Wᵀ[in,out], then + b[out] on every row
            ops.product(false, true, n, out, in, x, w, 0f, y, scratch);
            ops.addBias(y, b, n, out);
        }

        @Override
        void backward(ResidentOps ops, int n) {
            // dW[out,in] += dyᵀ[out,N] · x[N,in];  db[out] += Σ_N dy
            ops.product(true, false, out, in, n, dy, x, 1f, dw, scratch);
            ops.sumSlices(db, dy, out, n, 1, out, 1f, 1f);
            if (dx >= 0) {
                // dx[N,in] = dy[N,out] · W[out,in]
                ops.product(false, false, n, in, out, dy, w, 0f, dx, scratch);
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
}
