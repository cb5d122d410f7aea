package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.List;

/**
 * The rewrite of a layer list into the layers that run: each convolution followed by a ReLU, a max
 * pooling, or a ReLU then a max pooling becomes one {@link ConvBlock}.
 *
 * <p>A separate, explicit step rather than something a model does to its layers: the layers keep
 * meaning what they say (a convolution's output shape is its own), a per-layer profile times what
 * actually runs, and a caller that wants the layers apart (to compare, or to debug) builds the
 * model from the list as it is.
 */
public final class LayerFusion {
    private LayerFusion() {}

    /**
     * The layers with every fusable run replaced by its block; other layers are kept as they are.
     * {@code layers} is not changed. The blocks share their parts' parameters, and a model built
     * from either list has the same state layout and spec ({@link Layer#parts()}).
     */
    public static List<Layer> fuse(List<Layer> layers) {
        List<Layer> out = new ArrayList<>();
        int i = 0;
        while (i < layers.size()) {
            if (layers.get(i) instanceof Conv2d conv) {
                int next = i + 1;
                Activation.ReLU relu = at(layers, next) instanceof Activation.ReLU r ? r : null;
                if (relu != null) {
                    next++;
                }
                Pool2d maxPool = at(layers, next) instanceof Pool2d p && p.kind() == Pool2d.Kind.MAX ? p : null;
                if (maxPool != null) {
                    next++;
                }
                if (next > i + 1) {
                    out.add(new ConvBlock(conv, relu, maxPool));
                    i = next;
                    continue;
                }
            }
            out.add(layers.get(i));
            i++;
        }
        return List.copyOf(out);
    }

    private static Layer at(List<Layer> layers, int i) {
        return i < layers.size() ? layers.get(i) : null;
    }
}
