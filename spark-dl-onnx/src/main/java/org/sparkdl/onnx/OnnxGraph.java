package org.sparkdl.onnx;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sparkdl.onnx.proto.OnnxProto.AttributeProto;
import org.sparkdl.onnx.proto.OnnxProto.GraphProto;
import org.sparkdl.onnx.proto.OnnxProto.NodeProto;
import org.sparkdl.onnx.proto.OnnxProto.TensorProto;
import org.sparkdl.onnx.proto.OnnxProto.TensorShapeProto;
import org.sparkdl.onnx.proto.OnnxProto.TypeProto;
import org.sparkdl.onnx.proto.OnnxProto.ValueInfoProto;

/**
 * The graph being written: nodes in order, weights as initializers, the declared inputs and outputs.
 * Every tensor gets a unique name made from the current layer's prefix ({@link #enterLayer}) and a
 * hint, so a graph viewer shows which layer each node and weight belongs to.
 */
final class OnnxGraph {
    /** The symbolic batch dimension of every input and output. */
    static final String BATCH = "batch";

    private final GraphProto.Builder graph = GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private String prefix = "";

    OnnxGraph(String name) {
        graph.setName(name);
    }

    /** Names made from now on start with {@code prefix} (the layer's spec index and token). */
    void enterLayer(String prefix) {
        this.prefix = prefix;
    }

    /** A name not used yet, from the layer prefix and {@code hint}. */
    String fresh(String hint) {
        String base = prefix.isEmpty() ? hint : prefix + "/" + hint;
        String name = base;
        for (int i = 1; !names.add(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /** A float initializer of shape {@code dims}, little-endian raw data as ONNX stores it. */
    String floats(String hint, float[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return initializer(hint, TensorProto.DataType.FLOAT, ByteString.copyFrom(bytes.array()), dims);
    }

    /** An int64 initializer: shapes, axes, indices. */
    String longs(String hint, long[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asLongBuffer().put(values);
        return initializer(hint, TensorProto.DataType.INT64, ByteString.copyFrom(bytes.array()), dims);
    }

    /** An int32 initializer, for comparisons with the int32 sequence lengths. */
    String ints(String hint, int[] values, long... dims) {
        ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asIntBuffer().put(values);
        return initializer(hint, TensorProto.DataType.INT32, ByteString.copyFrom(bytes.array()), dims);
    }

    /** A 1-D int64 constant: the shape argument of Reshape, the axes of Unsqueeze. */
    String shape(String hint, long... values) {
        return longs(hint, values, values.length);
    }

    private String initializer(String hint, TensorProto.DataType type, ByteString raw, long... dims) {
        String name = fresh(hint);
        TensorProto.Builder t = TensorProto.newBuilder()
                .setName(name)
                .setDataType(type.getNumber())
                .setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return name;
    }

    /** One node with one output; returns the output's name. */
    String node(String op, List<String> inputs, AttributeProto... attributes) {
        return node(op, inputs, 1, attributes).get(0);
    }

    /** One node with {@code outputs} outputs (an empty name leaves an optional input out). */
    List<String> node(String op, List<String> inputs, int outputs, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder()
                .setOpType(op)
                .setName(fresh(op))
                .addAllInput(inputs)
                .addAllAttribute(List.of(attributes));
        String[] out = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            out[i] = fresh(op.toLowerCase(java.util.Locale.ROOT) + (outputs > 1 ? "_out" + i : ""));
            n.addOutput(out[i]);
        }
        graph.addNode(n);
        return List.of(out);
    }

    /** Renames {@code tensor} to {@code name} through an Identity node: the graph's outputs have fixed names. */
    void identity(String tensor, String name) {
        names.add(name);
        graph.addNode(NodeProto.newBuilder()
                .setOpType("Identity")
                .setName(fresh("Identity"))
                .addInput(tensor)
                .addOutput(name));
    }

    /**
     * Declares a graph input or output; each dimension is an Integer (fixed) or a String (symbolic,
     * such as {@link #BATCH}).
     */
    void declare(boolean input, String name, TensorProto.DataType type, Object... dims) {
        names.add(name);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d instanceof String s) {
                dim.setDimParam(s);
            } else {
                dim.setDimValue(((Number) d).longValue());
            }
            shape.addDim(dim);
        }
        ValueInfoProto v = ValueInfoProto.newBuilder()
                .setName(name)
                .setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
        if (input) {
            graph.addInput(v);
        } else {
            graph.addOutput(v);
        }
    }

    GraphProto build() {
        return graph.build();
    }
}
