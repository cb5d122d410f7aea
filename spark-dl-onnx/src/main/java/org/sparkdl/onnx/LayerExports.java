package org.sparkdl.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkdl.core.nn.Activation;
import org.sparkdl.core.nn.BatchNorm;
import org.sparkdl.core.nn.Conv2d;
import org.sparkdl.core.nn.Dense;
import org.sparkdl.core.nn.Dropout;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.Flatten;
import org.sparkdl.core.nn.L2Normalize;
import org.sparkdl.core.nn.LastStep;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.LayerNorm;
import org.sparkdl.core.nn.Pool2d;
import org.sparkdl.core.nn.Prototypes;
import org.sparkdl.core.nn.Recurrent;

/**
 * Which export writes which layer class, and the names the error for any other layer lists. Fused
 * layers never get here: the exporter writes their parts.
 */
final class LayerExports {
    private record Entry(String names, LayerExport<Layer> export) {}

    private static final Map<Class<?>, Entry> BY_CLASS = new LinkedHashMap<>();

    static {
        add(Conv2d.class, "conv", FeedForwardExports::conv);
        add(Pool2d.class, "maxpool, avgpool", FeedForwardExports::pool);
        add(Dense.class, "dense", FeedForwardExports::dense);
        add(BatchNorm.class, "batchnorm", FeedForwardExports::batchNorm);
        add(LayerNorm.class, "layernorm", FeedForwardExports::layerNorm);
        add(L2Normalize.class, "l2norm", FeedForwardExports::l2Normalize);
        add(Prototypes.class, "prototypes", FeedForwardExports::prototypes);
        add(Flatten.class, "flatten", (l, in, g, s) -> FeedForwardExports.flatten(in, g));
        add(Dropout.class, "dropout (the identity at inference)", (l, in, g, s) -> in.name());
        add(Activation.ReLU.class, "relu", ActivationExports.plain("Relu"));
        add(Activation.Sigmoid.class, "sigmoid", ActivationExports.plain("Sigmoid"));
        add(Activation.Tanh.class, "tanh", ActivationExports.plain("Tanh"));
        add(Activation.LeakyReLU.class, "leakyrelu", ActivationExports::leakyRelu);
        add(Activation.ELU.class, "elu", ActivationExports::elu);
        add(Activation.GELU.class, "gelu", (l, in, g, s) -> ActivationExports.gelu(in, g));
        add(Embedding.class, "embedding", SequenceExports::embedding);
        add(Recurrent.class, "rnn, lstm, gru", RecurrentExport::export);
        add(LastStep.class, "last", SequenceExports::lastStep);
    }

    private LayerExports() {}

    @SuppressWarnings("unchecked")
    private static <L extends Layer> void add(Class<L> type, String names, LayerExport<L> export) {
        BY_CLASS.put(type, new Entry(names, (LayerExport<Layer>) export));
    }

    /**
     * Writes {@code layer}, the model's spec layer {@code index}.
     *
     * @throws UnsupportedLayerException for a layer class without an export
     */
    static String export(int index, Layer layer, Flow in, OnnxGraph g, SequenceLengths s) {
        Entry e = BY_CLASS.get(layer.getClass());
        if (e == null) {
            throw new UnsupportedLayerException(
                    index,
                    layer.describe(),
                    layer.getClass(),
                    BY_CLASS.values().stream().map(Entry::names).toList());
        }
        return e.export().export(layer, in, g, s);
    }
}
