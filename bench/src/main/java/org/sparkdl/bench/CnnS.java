package org.sparkdl.bench;

import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.spec.ModelSpec;

/** The CNN-S reference network and its FLOP counts. */
final class CnnS {
    static final int[] INPUT = {1, 28, 28};

    private CnnS() {}

    static Sequential build(Kernels kernels, long seed) {
        return ModelSpec.parse(ModelSpec.CNN_S).build(INPUT, kernels, seed);
    }

    static ConvGeometry conv1(int batch) {
        return new ConvGeometry(batch, 1, 28, 28, 32, 5, 5, 1, 2);
    }

    static ConvGeometry conv2(int batch) {
        return new ConvGeometry(batch, 32, 14, 14, 64, 5, 5, 1, 2);
    }

    /**
     * FLOPs of one training step per image: forward, weight gradient and input gradient (3 GEMMs
     * of the forward's size per layer), less the first layer's input gradient, which is skipped.
     */
    static double trainFlopsPerImage() {
        long macs = build(new org.sparkdl.core.kernels.CpuKernels(), 0).forwardMacs(INPUT);
        return 2.0 * (3 * macs - conv1(1).forwardMacs());
    }
}
