package org.sparkdl.onnx;

import java.util.List;
import org.sparkdl.onnx.proto.OnnxProto.TensorProto;

/**
 * The graph input {@code lengths} of a model over sequences: int32 [N], each sequence's valid steps
 * of the T the input has, as ONNX's recurrent operators take them ({@code sequence_lens}). The
 * layers that zero padded steps in core ({@code Embedding}, {@code Dense} per step) multiply by
 * {@link #zeroPadding the step mask}, built once and shared.
 */
final class SequenceLengths {
    private final String lengths;
    private final int steps;
    /** [N, T, 1] float: 1 at valid steps, 0 at padded ones; built on first use. */
    private String stepMask;

    /** @param lengths the graph input's name, or null for a model that takes no sequences */
    SequenceLengths(String lengths, int steps) {
        this.lengths = lengths;
        this.steps = steps;
    }

    /** The lengths input, int32 [N]. */
    String lengths() {
        if (lengths == null) {
            throw new IllegalStateException("a sequence layer in a model whose input is not a sequence");
        }
        return lengths;
    }

    /** {@code x}[N, T, K] with its padded steps set to 0, as the core layers put them out. */
    String zeroPadding(OnnxGraph g, String x) {
        if (stepMask == null) {
            int[] index = new int[steps];
            for (int t = 0; t < steps; t++) {
                index[t] = t;
            }
            String column = g.node("Reshape", List.of(lengths(), g.shape("lengths_column", -1, 1)));
            String valid = g.node("Less", List.of(g.ints("step_index", index, 1, steps), column)); // [N, T]
            String asFloat = g.node("Cast", List.of(valid), Attr.of("to", TensorProto.DataType.FLOAT_VALUE));
            stepMask = g.node("Reshape", List.of(asFloat, g.shape("mask_shape", -1, steps, 1)));
        }
        return g.node("Mul", List.of(x, stepMask));
    }
}
