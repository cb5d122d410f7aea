package org.sparkdl.core.kernels;

/**
 * The max pooling that follows a convolution in {@link Kernels#convMaxPoolForward}: its geometry
 * (its input is the convolution's output), where it writes its output and the argmax that the
 * backward routes gradients by.
 */
public record MaxPoolOutput(PoolGeometry geometry, float[] y, int[] argmax) {
    /** Checks that this pooling reads exactly what {@code conv} writes, and the arrays' sizes. */
    public void checkFollows(ConvGeometry conv) {
        PoolGeometry p = geometry;
        if (p.batch() != conv.batch()
                || p.channels() != conv.outChannels()
                || p.height() != conv.outH()
                || p.width() != conv.outW()) {
            throw new IllegalArgumentException("max pooling over " + p.batch() + "x" + p.channels() + "x" + p.height()
                    + "x" + p.width() + " does not match the convolution's output " + conv.batch() + "x"
                    + conv.outChannels() + "x" + conv.outH() + "x" + conv.outW());
        }
        SizeChecks.atLeast("pooling output", y, p.outputSize());
        SizeChecks.atLeast("pooling argmax", argmax, p.outputSize());
    }
}
