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
}
