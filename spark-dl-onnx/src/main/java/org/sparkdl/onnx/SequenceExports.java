package org.sparkdl.onnx;

import java.util.List;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.LastStep;
import org.sparkdl.onnx.proto.OnnxProto.TensorProto;

/** The layers that read a sequence batch's lengths besides the recurrent ones: Embedding and LastStep. */
final class SequenceExports {
    private SequenceExports() {}

    /** Gather of the int64 token ids' rows; padded steps zeroed, as core's Embedding puts them out. */
    static String embedding(Embedding e, Flow in, OnnxGraph g, SequenceLengths s) {
        String rows = g.node(
                "Gather", List.of(FeedForwardExports.param(g, "weight", e.weight()), in.name()), Attr.of("axis", 0L));
        return s.zeroPadding(g, rows);
    }

    /**
     * {@code x[N, T, K] → y[N, K]}: GatherElements along the time axis with, per sample, index
     * {@code length − 1} for the features read at the last valid step and 0 for the rest (a
     * bidirectional layer's reverse half).
     */
    static String lastStep(LastStep l, Flow in, OnnxGraph g, SequenceLengths s) {
        int k = in.shape()[1];
        int atEnd = l.featuresAtLastStep(k);
        long[] selected = new long[k];
        java.util.Arrays.fill(selected, 0, atEnd, 1L);
        String lengths = g.node("Cast", List.of(s.lengths()), Attr.of("to", TensorProto.DataType.INT64_VALUE));
        String last = g.node("Sub", List.of(lengths, g.longs("one", new long[] {1})));
        String perSample = g.node("Reshape", List.of(last, g.shape("n11", -1, 1, 1)));
        String index = g.node("Mul", List.of(perSample, g.longs("at_last_step", selected, 1, 1, k))); // [N, 1, K]
        String picked = g.node("GatherElements", List.of(in.name(), index), Attr.of("axis", 1L));
        return g.node("Reshape", List.of(picked, g.shape("nk", -1, k)));
    }
}
