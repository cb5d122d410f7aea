package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.kernels.MaxPoolOutput;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * 2-D convolution (cross-correlation, as in PyTorch): {@code x[N,C,H,W] → y[N,F,OH,OW]} with
 * weights F×C×KH×KW, a bias per filter, symmetric zero padding and a stride.
 */
public final class Conv2d implements WeightedLayer {
    private final Kernels kernels;
    private final int inChannels;
    private final int filters;
    private final int kernelH;
    private final int kernelW;
    private final int stride;
    private final int pad;
    private final Param weight;
    private final Param bias;
    private boolean inputGradient = true;
    /** A ReLU after this layer runs in the kernels' output pass ({@link #fuse}). */
    private boolean relu;
    /** The max pooling after this layer (and its ReLU), computed by this layer, or null. */
    private Pool2d maxPool;

    private ConvGeometry geometry;
    /** The kernels' convolution scratch (im2col blocks). */
    private float[] columns;

    private Tensor x;
    /** The convolution's output; with a fused max pooling, scratch the kernels may leave unused. */
    private Tensor y;

    private Tensor dx;
    // With a fused max pooling: its output, argmax and geometry, and scratch for dy.
    private Tensor pooled;
    private int[] argmax;
    private MaxPoolOutput poolOutput;
    private Tensor dy;

    public Conv2d(Kernels kernels, int inChannels, int filters, int kernelH, int kernelW, int stride, int pad) {
        if (inChannels <= 0 || filters <= 0 || kernelH <= 0 || kernelW <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("conv needs positive channels, filters, kernel and stride and"
                    + " non-negative padding, got in=" + inChannels + " filters=" + filters + " kernel=" + kernelH
                    + "x" + kernelW + " stride=" + stride + " pad=" + pad);
        }
        this.kernels = kernels;
        this.inChannels = inChannels;
        this.filters = filters;
        this.kernelH = kernelH;
        this.kernelW = kernelW;
        this.stride = stride;
        this.pad = pad;
        this.weight = new Param("weight", Tensor.zeros(filters, inChannels, kernelH, kernelW), true);
        this.bias = new Param("bias", Tensor.zeros(filters), false);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        int area = kernelH * kernelW;
        init.fill(weight.data(), inChannels * area, filters * area, rng);
        java.util.Arrays.fill(bias.data(), 0f);
    }

    @Override
    public void skipInputGradient() {
        inputGradient = false;
    }

    /**
     * Takes over the work of the ReLU and the max pooling that follow, which then pass their
     * input and gradient through ({@link Sequential} fuses every convolution followed by either).
     * The ReLU is applied in the convolution's output pass and its backward while the kernels copy
     * dy: two passes over the largest activations fewer per step. With a max pooling, the three
     * run as one kernels call ({@link Kernels#convMaxPoolForward}): the pooling masks for the ReLU
     * the gradients it routes (a quarter of the elements, during a scatter it does anyway), and a
     * GPU keeps the convolution's output and its gradient on the device.
     *
     * @param next the ReLU after this layer, or null
     * @param pool the max pooling after this layer or after its ReLU, or null
     */
    void fuse(Activation.ReLU next, Pool2d pool) {
        if (next != null) {
            relu = true;
            next.fusedIntoPrevious();
        }
        if (pool != null) {
            pool.fusedIntoPrevious();
            maxPool = pool;
        }
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (x.rank() != 4 || x.dim(1) != inChannels) {
            throw new ShapeException(
                    describe() + " expects input N x " + inChannels + " x H x W, got " + Shapes.describe(x.shape()));
        }
        this.x = x;
        geometry = new ConvGeometry(x.dim(0), inChannels, x.dim(2), x.dim(3), filters, kernelH, kernelW, stride, pad);
        columns = Buffers.reuse(columns, kernels.convScratchSize(geometry));
        y = Buffers.reuse(y, x.dim(0), filters, geometry.outH(), geometry.outW());
        if (maxPool == null) {
            kernels.convForward(geometry, x.data(), weight.data(), bias.data(), relu, y.data(), columns);
            return y;
        }
        PoolGeometry pg = maxPool.geometryFor(y.shape());
        pooled = Buffers.reuse(pooled, pg.batch(), pg.channels(), pg.outH(), pg.outW());
        if (argmax == null || argmax.length < pg.outputSize()) {
            argmax = new int[pg.outputSize()];
        }
        poolOutput = new MaxPoolOutput(pg, pooled.data(), argmax);
        kernels.convMaxPoolForward(geometry, x.data(), weight.data(), bias.data(), relu, y.data(), columns, poolOutput);
        return pooled;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        ConvGeometry g = geometry;
        if (inputGradient) {
            dx = Buffers.reuse(dx, g.batch(), inChannels, g.height(), g.width());
        }
        float[] dxData = inputGradient ? dx.data() : null;
        if (maxPool == null) {
            kernels.convBackward(
                    g,
                    x.data(),
                    weight.data(),
                    relu ? y.data() : null,
                    gradOut.data(),
                    weight.gradData(),
                    bias.gradData(),
                    dxData,
                    columns);
        } else {
            dy = Buffers.reuse(dy, y.shape());
            kernels.convMaxPoolBackward(
                    g,
                    x.data(),
                    weight.data(),
                    relu,
                    poolOutput,
                    gradOut.data(),
                    dy.data(),
                    weight.gradData(),
                    bias.gradData(),
                    dxData,
                    columns);
        }
        return inputGradient ? dx : null;
    }

    @Override
    public int[] outputShape(int[] s) {
        if (s.length != 3) {
            throw new ShapeException(describe() + " needs a C x H x W input but gets " + Shapes.describe(s)
                    + (s.length == 1 ? "; give the model an image shape such as 1,28,28" : ""));
        }
        if (s[0] != inChannels) {
            throw new ShapeException(describe() + " was built for " + inChannels + " channels but gets " + s[0]);
        }
        ConvGeometry g = new ConvGeometry(1, s[0], s[1], s[2], filters, kernelH, kernelW, stride, pad);
        return new int[] {filters, g.outH(), g.outW()};
    }

    @Override
    public List<Param> params() {
        return List.of(weight, bias);
    }

    @Override
    public long forwardMacs(int[] s) {
        return new ConvGeometry(1, s[0], s[1], s[2], filters, kernelH, kernelW, stride, pad).forwardMacs();
    }

    @Override
    public String describe() {
        String k = kernelH == kernelW ? Integer.toString(kernelH) : kernelH + "x" + kernelW;
        return "conv(" + filters + "," + k + (stride != 1 ? ",stride=" + stride : "") + (pad != 0 ? ",pad=" + pad : "")
                + ")";
    }
}
