package org.sparkdl.core.nn;

import java.util.List;
import org.sparkdl.core.tensor.Shapes;

/**
 * Shape and cost of layers run one after another (a model, a chain, a fused block's parts), and the
 * shape checks that several layers share.
 */
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

    /** Throws unless the per-sample input shape is flat: the layers that take a vector per sample. */
    static void requireFlat(Layer layer, int[] inputShape) {
        if (inputShape.length != 1) {
            throw new ShapeException(layer.describe() + " needs a flat input but gets " + Shapes.describe(inputShape)
                    + "; put 'flatten' before it");
        }
    }
}
