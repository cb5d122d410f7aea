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
 *
 * <p>A ReLU or max pooling right after it runs fused in a {@link ConvBlock} ({@link LayerFusion}).
 * This layer on its own runs as a block with neither, so the kernels calls exist once.
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
    private final ConvBlock alone;

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
        this.alone = new ConvBlock(this, null, null);
    }

    public Param weight() {
        return weight;
    }

    public Param bias() {
        return bias;
    }

    public int stride() {
        return stride;
    }

    /** Zero padding on each side of both spatial axes. */
    public int pad() {
        return pad;
    }

    /** The kernels this layer runs on. */
    public Kernels kernels() {
        return kernels;
    }

    /** The geometry of this convolution over a batch {@code x[N,C,H,W]}; throws if x does not fit. */
    ConvGeometry geometryFor(Tensor x) {
        return geometryFor(x.shape());
    }

    /** The geometry of this convolution over an input of shape {@code N x C x H x W}; throws if it does not fit. */
    public ConvGeometry geometryFor(int[] shape) {
        if (shape.length != 4 || shape[1] != inChannels) {
            throw new ShapeException(
                    describe() + " expects input N x " + inChannels + " x H x W, got " + Shapes.describe(shape));
        }
        return new ConvGeometry(shape[0], inChannels, shape[2], shape[3], filters, kernelH, kernelW, stride, pad);
    }

    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        int area = kernelH * kernelW;
        init.fill(weight.data(), inChannels * area, filters * area, rng);
        init.fillBias(bias.data(), inChannels * area, rng);
    }

    @Override
    public void setInputGradient(boolean needed) {
        alone.setInputGradient(needed);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        return alone.forward(x, training);
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        return alone.backward(gradOut);
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
