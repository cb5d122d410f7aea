package org.sparkdl.core.kernels;

/** The sizes of one 2-D pooling: input N×C×H×W, a KH×KW window moved by {@code stride}, no padding. */
public record PoolGeometry(int batch, int channels, int height, int width, int kernel, int stride) {

    public PoolGeometry {
        if (batch <= 0 || channels <= 0 || height <= 0 || width <= 0 || kernel <= 0 || stride <= 0) {
            throw new IllegalArgumentException("pooling sizes must be positive: " + this);
        }
        if (kernel > height || kernel > width) {
            throw new IllegalArgumentException(
                    "pooling window " + kernel + " is larger than the input " + height + "x" + width);
        }
    }

    public int outH() {
        return (height - kernel) / stride + 1;
    }

    public int outW() {
        return (width - kernel) / stride + 1;
    }

    public int inputSize() {
        return batch * channels * height * width;
    }

    public int outputSize() {
        return batch * channels * outH() * outW();
    }

    public PoolGeometry withBatch(int n) {
        return new PoolGeometry(n, channels, height, width, kernel, stride);
    }
}
