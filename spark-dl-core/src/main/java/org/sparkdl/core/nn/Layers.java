package org.sparkdl.core.nn;

import java.util.List;

/** Shape and cost of layers run one after another: a model, a chain, a fused block's parts. */
final class Layers {
    private Layers() {}

    /** The per-sample output shape after all {@code layers}; throws where one does not fit. */
    static int[] outputShape(List<? extends Layer> layers, int[] in) {
        int[] s = in;
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    /** Multiply-adds per sample of one forward pass through all {@code layers}. */
    static long forwardMacs(List<? extends Layer> layers, int[] in) {
        long macs = 0;
        int[] s = in;
        for (Layer l : layers) {
            macs += l.forwardMacs(s);
            s = l.outputShape(s);
        }
        return macs;
    }
}
