package org.sparkdl.onnx;

import org.sparkdl.core.nn.Layer;

/**
 * How one kind of layer is written: its nodes and initializers, from the tensor {@code in} to the
 * name of the tensor it puts out.
 *
 * @param <L> the layer class
 */
@FunctionalInterface
interface LayerExport<L extends Layer> {
    String export(L layer, Flow in, OnnxGraph graph, SequenceLengths sequences);
}
