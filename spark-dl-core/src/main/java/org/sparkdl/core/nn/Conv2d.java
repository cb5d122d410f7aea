package org.sparkdl.core.nn;

import java.util.List;
import java.util.SplittableRandom;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.Kernels;
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
    /** The fused ReLU's backward is done by the max pooling after it. */
    private boolean reluBackwardDownstream;

    private ConvGeometry geometry;
    /** The kernels' convolution scratch (im2col blocks). */
    private float[] columns;

    private Tensor x;
    private Tensor y;
    private Tensor dx;

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
     * Takes over the work of the ReLU that follows: the output is rectified in the convolution's
     * output pass and the ReLU's backward happens while the kernels copy dy, two passes over the
     * largest activations fewer per step. The ReLU then passes its input and gradient through.
     * When a max pooling follows the ReLU, the pooling masks the gradients it routes instead (a
     * quarter of the elements, during a scatter it does anyway). {@link Sequential} fuses every
     * convolution followed by a ReLU.
     *
     * @param maxPool the max pooling after the ReLU, or null
     */
    void fuse(Activation.ReLU next, Pool2d maxPool) {
        relu = true;
        next.fusedIntoPrevious();
        if (maxPool != null) {
            maxPool.takeReluBackward();
            reluBackwardDownstream = true;
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
        kernels.convForward(geometry, x.data(), weight.data(), bias.data(), relu, y.data(), columns);
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        ConvGeometry g = geometry;
        if (inputGradient) {
            dx = Buffers.reuse(dx, g.batch(), inChannels, g.height(), g.width());
        }
        kernels.convBackward(
                g,
                x.data(),
                weight.data(),
                relu && !reluBackwardDownstream ? y.data() : null,
                gradOut.data(),
                weight.gradData(),
                bias.gradData(),
                inputGradient ? dx.data() : null,
                columns);
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
