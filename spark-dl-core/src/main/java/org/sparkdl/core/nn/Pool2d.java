package org.sparkdl.core.nn;

import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** 2-D max or average pooling without padding: {@code x[N,C,H,W] → y[N,C,OH,OW]}. */
public final class Pool2d implements Layer {
    /** Which reduction the window applies. */
    public enum Kind {
        MAX("maxpool"),
        AVG("avgpool");

        private final String token;

        Kind(String token) {
            this.token = token;
        }
    }

    private final Kernels kernels;
    private final Kind kind;
    private final int kernel;
    private final int stride;
    private PoolGeometry geometry;
    private int[] argmax;

    private Tensor y;
    private Tensor dx;

    public Pool2d(Kernels kernels, Kind kind, int kernel, int stride) {
        if (kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException(
                    kind.token + " needs a positive window and stride, got " + kernel + " and " + stride);
        }
        this.kernels = kernels;
        this.kind = kind;
        this.kernel = kernel;
        this.stride = stride;
    }

    public Kind kind() {
        return kind;
    }

    /** The window's side. */
    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** This pooling's geometry over an {@code N x C x H x W} input (also for {@link ConvBlock}). */
    public PoolGeometry geometryFor(int[] shape) {
        if (shape.length != 4) {
            throw new ShapeException(describe() + " expects N x C x H x W input, got " + Shapes.describe(shape));
        }
        return new PoolGeometry(shape[0], shape[1], shape[2], shape[3], kernel, stride);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        geometry = geometryFor(x.shape());
        y = Buffers.reuse(y, x.dim(0), x.dim(1), geometry.outH(), geometry.outW());
        if (kind == Kind.MAX) {
            if (argmax == null || argmax.length < geometry.outputSize()) {
                argmax = new int[geometry.outputSize()];
            }
            kernels.maxPoolForward(geometry, x.data(), y.data(), argmax);
        } else {
            kernels.avgPoolForward(geometry, x.data(), y.data());
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        PoolGeometry g = geometry;
        dx = Buffers.reuse(dx, g.batch(), g.channels(), g.height(), g.width());
        if (kind == Kind.MAX) {
            kernels.maxPoolBackward(g, gradOut.data(), argmax, null, dx.data());
        } else {
            kernels.avgPoolBackward(g, gradOut.data(), dx.data());
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 3) {
            throw new ShapeException(describe() + " needs a C x H x W input but gets " + Shapes.describe(s));
        }
        PoolGeometry g = new PoolGeometry(1, s[0], s[1], s[2], kernel, stride);
        return new int[] {s[0], g.outH(), g.outW()};
    }

    @Override
    public String describe() {
        return kind.token + "(" + kernel + (stride != kernel ? ",stride=" + stride : "") + ")";
    }
}
