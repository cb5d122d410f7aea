package org.sparkdl.onnx;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.onnx.proto.OnnxProto.ModelProto;
import org.sparkdl.onnx.proto.OnnxProto.OperatorSetIdProto;
import org.sparkdl.onnx.proto.OnnxProto.StringStringEntryProto;
import org.sparkdl.onnx.proto.OnnxProto.TensorProto;

/**
 * A trained network as an ONNX model, for inference outside Spark (ONNX Runtime and the like):
 * {@code OnnxExport.of(network).withSoftmax("probability").save(path, false)}.
 *
 * <p>Inputs, each with a symbolic batch dimension {@code batch}:
 *
 * <ul>
 *   <li>a flat or image model: {@code features}, float [batch, C·H·W], a row as a Spark model takes
 *       it (reshaped to C×H×W inside the graph for an image shape);
 *   <li>a model over sequences of an input shape T,F: {@code features}, float [batch, T, F], and
 *       {@code lengths}, int32 [batch], each sequence's valid steps (1 to T; T for full ones);
 *   <li>a model whose first layer is an embedding: {@code features}, int64 token ids [batch, T],
 *       padded with 0, and {@code lengths}.
 * </ul>
 *
 * The output is named by {@link #output} ({@code logits} unless set), [batch, ...] as the network
 * puts it out; {@link #withSoftmax} adds its softmax over the last axis as a second output.
 * Inference forms: dropout is the identity, batch normalisation uses its running statistics. The
 * spec and input shape are in the model's metadata ({@code spark-dl.spec}, {@code
 * spark-dl.inputShape}).
 */
public final class OnnxExport {
    /** The ONNX operator set the graph uses (LayerNormalization needs 17). */
    public static final int OPSET = 17;
    /** The IR version of ONNX 1.12, whose onnx.proto the classes come from. */
    public static final long IR_VERSION = 8;

    public static final String FEATURES = "features";
    public static final String LENGTHS = "lengths";

    private final Sequential model;
    private String output = "logits";
    private String softmax;
    private String description = "";

    private OnnxExport(Sequential model) {
        this.model = model;
    }

    /** The export of {@code model}, with the weights it has now. */
    public static OnnxExport of(Sequential model) {
        return new OnnxExport(model);
    }

    /** The name of the network's output ({@code logits} by default; {@code embedding} for an encoder). */
    public OnnxExport output(String name) {
        this.output = name;
        return this;
    }

    /** Adds a second output, the softmax of the first over its last axis. */
    public OnnxExport withSoftmax(String name) {
        this.softmax = name;
        return this;
    }

    /** The model's doc string. */
    public OnnxExport description(String text) {
        this.description = text;
        return this;
    }

    /** The graph's output names: {@link #output}'s, then {@link #withSoftmax}'s when set. */
    public List<String> outputs() {
        return softmax == null ? List.of(output) : List.of(output, softmax);
    }

    /**
     * The serialized ONNX model.
     *
     * @throws UnsupportedLayerException when a layer has no ONNX form; it names the layer
     */
    public byte[] toBytes() {
        return build().toByteArray();
    }

    /**
     * Writes the model to a local file.
     *
     * @throws FileAlreadyExistsException when {@code file} exists and {@code overwrite} is false
     */
    public void save(Path file, boolean overwrite) throws IOException {
        byte[] bytes = toBytes(); // before touching the file: an unsupported layer leaves nothing behind
        if (overwrite) {
            Files.write(file, bytes);
        } else if (Files.exists(file)) {
            throw new FileAlreadyExistsException(
                    file.toString(), null, "exists; overwrite it explicitly to replace it");
        } else {
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    private ModelProto build() {
        OnnxGraph g = new OnnxGraph("spark-dl");
        int[] shape = model.inputShape();
        boolean tokens = firstPart() instanceof Embedding;
        boolean sequences = tokens || shape.length == 2;
        SequenceLengths lengths = new SequenceLengths(sequences ? LENGTHS : null, sequences ? shape[0] : 0);
        Flow x = input(g, shape, tokens, sequences);
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            List<Layer> parts = layers.get(i).parts(); // a fused block is written as the layers it stands for
            for (int j = 0; j < parts.size(); j++) {
                Layer part = parts.get(j);
                int index = model.specIndex(i) + j;
                g.enterLayer(index + "_" + token(part));
                x = new Flow(LayerExports.export(index, part, x, g, lengths), part.outputShape(x.shape()));
            }
        }
        g.enterLayer("");
        g.identity(x.name(), output);
        g.declare(false, output, TensorProto.DataType.FLOAT, withBatch(x.shape()));
        if (softmax != null) {
            g.identity(g.node("Softmax", List.of(x.name()), Attr.of("axis", -1L)), softmax);
            g.declare(false, softmax, TensorProto.DataType.FLOAT, withBatch(x.shape()));
        }
        return ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setProducerName("spark-dl")
                .setDocString(description)
                .addMetadataProps(entry("spark-dl.spec", model.describe()))
                .addMetadataProps(entry("spark-dl.inputShape", Shapes.describe(shape)))
                .setGraph(g.build())
                .build();
    }

    private Layer firstPart() {
        return model.layers().get(0).parts().get(0);
    }

    /** Declares the inputs; returns the tensor the first layer reads, with its per-sample shape. */
    private static Flow input(OnnxGraph g, int[] shape, boolean tokens, boolean sequences) {
        if (sequences) {
            g.declare(true, LENGTHS, TensorProto.DataType.INT32, OnnxGraph.BATCH);
        }
        if (tokens) {
            g.declare(true, FEATURES, TensorProto.DataType.INT64, OnnxGraph.BATCH, shape[0]);
            return new Flow(FEATURES, shape);
        }
        if (sequences || shape.length == 1) {
            g.declare(true, FEATURES, TensorProto.DataType.FLOAT, withBatch(shape));
            return new Flow(FEATURES, shape);
        }
        // an image as Spark holds it, one flat row: reshaped to C×H×W here
        g.declare(true, FEATURES, TensorProto.DataType.FLOAT, OnnxGraph.BATCH, Shapes.size(shape));
        long[] target = new long[shape.length + 1];
        target[0] = -1;
        for (int i = 0; i < shape.length; i++) {
            target[i + 1] = shape[i];
        }
        g.enterLayer("input");
        return new Flow(g.node("Reshape", List.of(FEATURES, g.shape("sample_shape", target))), shape);
    }

    private static Object[] withBatch(int[] shape) {
        Object[] dims = new Object[shape.length + 1];
        dims[0] = OnnxGraph.BATCH;
        for (int i = 0; i < shape.length; i++) {
            dims[i + 1] = shape[i];
        }
        return dims;
    }

    /** The layer's name in the spec: its token up to the arguments. */
    private static String token(Layer l) {
        String d = l.describe();
        int paren = d.indexOf('(');
        return paren < 0 ? d : d.substring(0, paren);
    }

    private static StringStringEntryProto entry(String key, String value) {
        return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
    }
}
