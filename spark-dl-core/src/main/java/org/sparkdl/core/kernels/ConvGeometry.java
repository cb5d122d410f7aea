package org.sparkdl.core.kernels;

/**
 * The sizes of one batched 2-D convolution: input N×C×H×W, weights F×C×KH×KW, output
 * N×F×OH×OW, symmetric zero padding and one stride for both axes.
 */
public record ConvGeometry(
        int batch,
        int inChannels,
        int height,
        int width,
        int outChannels,
        int kernelH,
        int kernelW,
        int stride,
        int pad) {

    public ConvGeometry {
        if (batch <= 0 || inChannels <= 0 || height <= 0 || width <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException("convolution sizes must be positive: " + this);
        }
        if (kernelH <= 0 || kernelW <= 0 || stride <= 0 || pad < 0) {
            throw new IllegalArgumentException("kernel and stride must be positive, padding non-negative: " + this);
        }
        if (height + 2 * pad < kernelH || width + 2 * pad < kernelW) {
            throw new IllegalArgumentException("kernel " + kernelH + "x" + kernelW + " is larger than the padded input "
                    + (height + 2 * pad) + "x" + (width + 2 * pad));
        }
    }

    public int outH() {
        return (height + 2 * pad - kernelH) / stride + 1;
    }

    public int outW() {
        return (width + 2 * pad - kernelW) / stride + 1;
    }

    /** Rows of the im2col matrix: C·KH·KW. */
    public int patchSize() {
        return inChannels * kernelH * kernelW;
    }

    /** Output pixels per image: OH·OW. */
    public int outPixels() {
        return outH() * outW();
    }

    /** Columns of the batched im2col matrix: N·OH·OW. */
    public int columns() {
        return batch * outPixels();
    }

    public int inputSize() {
        return batch * inChannels * height * width;
    }

    public int weightSize() {
        return outChannels * patchSize();
    }

    public int outputSize() {
        return batch * outChannels * outPixels();
    }

    /** Floats of the im2col buffer: C·KH·KW × N·OH·OW. */
    public long columnBufferSize() {
        return (long) patchSize() * columns();
    }

    /** Multiply-adds of the forward pass. */
    public long forwardMacs() {
        return (long) outChannels * patchSize() * columns();
    }

    public ConvGeometry withBatch(int n) {
        return new ConvGeometry(n, inChannels, height, width, outChannels, kernelH, kernelW, stride, pad);
    }
}
