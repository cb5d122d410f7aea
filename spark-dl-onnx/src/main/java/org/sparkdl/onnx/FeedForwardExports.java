package org.sparkdl.onnx;

import java.util.List;
import org.sparkdl.core.nn.BatchNorm;
import org.sparkdl.core.nn.Conv2d;
import org.sparkdl.core.nn.Dense;
import org.sparkdl.core.nn.L2Normalize;
import org.sparkdl.core.nn.LayerNorm;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.nn.Pool2d;
import org.sparkdl.core.nn.Prototypes;

/** The feed-forward layers, each one ONNX operator (Dense: MatMul then Add). */
final class FeedForwardExports {
    private FeedForwardExports() {}

    /** Conv, weights F×C×KH×KW as in core, symmetric padding. */
    static String conv(Conv2d c, Flow in, OnnxGraph g, SequenceLengths s) {
        int[] w = c.weight().value().shape();
        int pad = c.pad();
        return g.node(
                "Conv",
                List.of(in.name(), param(g, "weight", c.weight()), param(g, "bias", c.bias())),
                Attr.ints("kernel_shape", w[2], w[3]),
                Attr.ints("strides", c.stride(), c.stride()),
                Attr.ints("pads", pad, pad, pad, pad));
    }

    /** MaxPool or AveragePool without padding (core pools never pad). */
    static String pool(Pool2d p, Flow in, OnnxGraph g, SequenceLengths s) {
        return g.node(
                p.kind() == Pool2d.Kind.MAX ? "MaxPool" : "AveragePool",
                List.of(in.name()),
                Attr.ints("kernel_shape", p.kernel(), p.kernel()),
                Attr.ints("strides", p.stride(), p.stride()));
    }

    /**
     * {@code x·Wᵀ + b}: MatMul with the transposed weight, so that a sequence N×T×in is multiplied per
     * step as core does; padded steps are then zeroed, as core's Dense puts them out.
     */
    static String dense(Dense d, Flow in, OnnxGraph g, SequenceLengths s) {
        int[] shape = d.weight().value().shape(); // out × in
        String product =
                g.node("MatMul", List.of(in.name(), transposed(g, d.weight().data(), shape[0], shape[1])));
        String y = g.node("Add", List.of(product, param(g, "bias", d.bias())));
        return in.isSequence() ? s.zeroPadding(g, y) : y;
    }

    /** {@code x / max(‖x‖, ε)} per row: ReduceL2 over axis 1, Max with ε, Div. */
    static String l2Normalize(L2Normalize l, Flow in, OnnxGraph g, SequenceLengths s) {
        String norm = g.node("ReduceL2", List.of(in.name()), Attr.ints("axes", 1), Attr.of("keepdims", 1L));
        String floor = g.node("Max", List.of(norm, g.floats("eps", new float[] {L2Normalize.EPS})));
        return g.node("Div", List.of(in.name(), floor));
    }

    /** {@code x·Ŵᵀ}: the prototypes normalised at export, as a constant of in×K. */
    static String prototypes(Prototypes p, Flow in, OnnxGraph g, SequenceLengths s) {
        int[] shape = p.weight().value().shape(); // K × in
        return g.node("MatMul", List.of(in.name(), transposed(g, p.unitPrototypes(), shape[0], shape[1])));
    }

    /** Inference form: the running statistics, over channel 1 of N×C or N×C×H×W. */
    static String batchNorm(BatchNorm b, Flow in, OnnxGraph g, SequenceLengths s) {
        int c = b.runningMean().size();
        return g.node(
                "BatchNormalization",
                List.of(
                        in.name(),
                        param(g, "gamma", b.gamma()),
                        param(g, "beta", b.beta()),
                        g.floats("running_mean", b.runningMean().data(), c),
                        g.floats("running_var", b.runningVar().data(), c)),
                Attr.of("epsilon", b.eps()));
    }

    /** Over all of a sample's values (axis 1 onwards), scale and shift of the sample's shape. */
    static String layerNorm(LayerNorm l, Flow in, OnnxGraph g, SequenceLengths s) {
        return g.node(
                "LayerNormalization",
                List.of(in.name(), param(g, "gamma", l.gamma()), param(g, "beta", l.beta())),
                Attr.of("axis", 1L),
                Attr.of("epsilon", l.eps()));
    }

    static String flatten(Flow in, OnnxGraph g) {
        return g.node("Flatten", List.of(in.name()), Attr.of("axis", 1L));
    }

    /** {@code w} (out×in) as the initializer of its transpose, in×out: the right operand of MatMul. */
    private static String transposed(OnnxGraph g, float[] w, int out, int inputs) {
        float[] t = new float[w.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < inputs; i++) {
                t[i * out + o] = w[o * inputs + i];
            }
        }
        return g.floats("weight_t", t, inputs, out);
    }

    /** A parameter as an initializer of its own shape. */
    static String param(OnnxGraph g, String hint, Param p) {
        int[] shape = p.value().shape();
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[i];
        }
        return g.floats(hint, p.data(), dims);
    }
}
