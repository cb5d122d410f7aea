package org.sparkdl.onnx;

import java.util.List;

/** The element-wise activations; GELU, exact as core's, is written with Erf (opset 17 has no Gelu). */
final class ActivationExports {
    private ActivationExports() {}

    /** The ONNX operator of the same name and no attribute: Relu, Sigmoid, Tanh. */
    static <A extends org.sparkdl.core.nn.Activation> LayerExport<A> plain(String op) {
        return (a, in, g, s) -> g.node(op, List.of(in.name()));
    }

    static String leakyRelu(org.sparkdl.core.nn.Activation.LeakyReLU a, Flow in, OnnxGraph g, SequenceLengths s) {
        return g.node("LeakyRelu", List.of(in.name()), Attr.of("alpha", a.slope()));
    }

    static String elu(org.sparkdl.core.nn.Activation.ELU a, Flow in, OnnxGraph g, SequenceLengths s) {
        return g.node("Elu", List.of(in.name()), Attr.of("alpha", a.alpha()));
    }

    /** {@code x · Φ(x) = x · (1 + erf(x/√2)) / 2}. */
    static String gelu(Flow in, OnnxGraph g) {
        String x = in.name();
        String scaled = g.node("Mul", List.of(x, scalar(g, "inv_sqrt2", (float) (1 / Math.sqrt(2)))));
        String erf = g.node("Erf", List.of(scaled));
        String onePlus = g.node("Add", List.of(erf, scalar(g, "one", 1f)));
        String half = g.node("Mul", List.of(onePlus, scalar(g, "half", 0.5f)));
        return g.node("Mul", List.of(x, half));
    }

    private static String scalar(OnnxGraph g, String hint, float value) {
        return g.floats(hint, new float[] {value});
    }
}
