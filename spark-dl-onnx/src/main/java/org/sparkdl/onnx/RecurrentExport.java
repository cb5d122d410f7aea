package org.sparkdl.onnx;

import java.util.ArrayList;
import java.util.List;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.nn.Recurrent;
import org.sparkdl.onnx.proto.OnnxProto.AttributeProto;

/**
 * A core {@link Recurrent} layer as ONNX RNN, LSTM or GRU nodes, one per stacked layer (ONNX's
 * operators are single-layer), in ONNX's time-major layout: ONNX Runtime runs no batch-first
 * ({@code layout=1}) recurrent operator, so the sequence is transposed to T×N×F once and back at
 * the end.
 *
 * <p>Weights: core keeps PyTorch's layout and gate order, ONNX wants W [D, G·H, F], R [D, G·H, H],
 * B [D, 2·G·H] (input bias then recurrent bias) with its own gate order: LSTM i, o, f, c (core i, f,
 * g, o), GRU z, r, h (core r, z, n). Core's GRU applies the reset gate to the whole recurrent term,
 * bias included ({@code n = tanh(W_in·x + b_in + r·(W_hn·h + b_hn))}), which is ONNX's {@code
 * linear_before_reset=1}. Dropout between stacked layers is a training-only step and has no node.
 * The lengths go in as {@code sequence_lens}, so each sequence stops at its own end and the reverse
 * direction starts there, as core does.
 */
final class RecurrentExport {
    private RecurrentExport() {}

    static String export(Recurrent r, Flow in, OnnxGraph g, SequenceLengths s) {
        int directions = r.bidirectional() ? 2 : 1;
        int hidden = r.hidden();
        int[] order = onnxGateOrder(r.kind());
        List<Param> params = r.params(); // per layer and direction: weight_ih, weight_hh, bias_ih, bias_hh
        String x = g.node("Transpose", List.of(in.name()), Attr.ints("perm", 1, 0, 2)); // [T, N, F]
        for (int l = 0; l < r.layers(); l++) {
            List<Param> layer = params.subList(4 * directions * l, 4 * directions * (l + 1));
            int features = layer.get(0).value().dim(1);
            int gates = order.length * hidden;
            float[] w = new float[directions * gates * features];
            float[] rec = new float[directions * gates * hidden];
            float[] b = new float[directions * 2 * gates];
            for (int d = 0; d < directions; d++) {
                List<Param> p = layer.subList(4 * d, 4 * d + 4);
                reorderGates(p.get(0).data(), features, hidden, order, w, d * gates * features);
                reorderGates(p.get(1).data(), hidden, hidden, order, rec, d * gates * hidden);
                reorderGates(p.get(2).data(), 1, hidden, order, b, d * 2 * gates);
                reorderGates(p.get(3).data(), 1, hidden, order, b, d * 2 * gates + gates);
            }
            List<String> inputs = List.of(
                    x,
                    g.floats("W_l" + l, w, directions, gates, features),
                    g.floats("R_l" + l, rec, directions, gates, hidden),
                    g.floats("B_l" + l, b, directions, 2L * gates),
                    s.lengths());
            List<AttributeProto> attributes = new ArrayList<>(List.of(
                    Attr.of("hidden_size", (long) hidden),
                    Attr.of("direction", directions == 2 ? "bidirectional" : "forward")));
            if (r.kind() == Recurrent.Kind.GRU) {
                attributes.add(Attr.of("linear_before_reset", 1L));
            }
            String y = g.node(op(r.kind()), inputs, attributes.toArray(AttributeProto[]::new)); // Y [T, D, N, H]
            String stepMajor = g.node("Transpose", List.of(y), Attr.ints("perm", 0, 2, 1, 3)); // [T, N, D, H]
            // both directions side by side per step, forward first, as core concatenates them
            x = g.node("Reshape", List.of(stepMajor, g.shape("tn_dh", 0, 0, -1))); // [T, N, D·H]
        }
        return g.node("Transpose", List.of(x), Attr.ints("perm", 1, 0, 2)); // [N, T, D·H]
    }

    private static String op(Recurrent.Kind kind) {
        return switch (kind) {
            case RNN -> "RNN";
            case LSTM -> "LSTM";
            case GRU -> "GRU";
        };
    }

    /** For ONNX's gate block j, the core gate block it takes. */
    static int[] onnxGateOrder(Recurrent.Kind kind) {
        return switch (kind) {
            case RNN -> new int[] {0};
            case LSTM -> new int[] {0, 3, 1, 2}; // i, o, f, c ← core i, f, g, o
            case GRU -> new int[] {1, 0, 2}; // z, r, h ← core r, z, n
        };
    }

    /**
     * Copies {@code src}[G·H, cols] into {@code dst} at {@code offset}, its H-row gate blocks in
     * ONNX's order.
     */
    private static void reorderGates(float[] src, int cols, int hidden, int[] order, float[] dst, int offset) {
        int block = hidden * cols;
        for (int j = 0; j < order.length; j++) {
            System.arraycopy(src, order[j] * block, dst, offset + j * block, block);
        }
    }
}
