package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Layers applied in order, with a known per-sample input shape. Backward runs them in reverse.
 *
 * <p>The layers are the ones that run. A fused layer ({@link ConvBlock}, put in by {@link
 * LayerFusion}) stands for several spec layers, its {@link Layer#parts()}: the spec string
 * ({@link #describe()}) and the names of the state ({@link #stateLayout()}) come from the parts, so
 * a fused and an unfused model of one spec describe, save and load alike, while {@link #summary()}
 * shows what runs.
 *
 * <p>The model's whole state — every parameter, then every buffer (BatchNorm running statistics),
 * in layer order — flattens to one {@code float[]}: what data-parallel training averages and what
 * persistence writes.
 *
 * <p>The input is taken to be data, so the first layer skips its input gradient (for a first
 * convolution, a sizeable part of the step). A model fed by another ({@link Chain}) needs it:
 * {@link #setInputGradient}.
 *
 * <p>Sequences: an input with per-sample lengths ({@link Tensor#withLengths}) keeps them while the
 * time axis does. After each layer whose output is still N×T×... with the input's T, the model
 * puts the lengths back on the output when the layer did not (element-wise layers return their own
 * buffers); a layer that ends the time axis ({@link LastStep}, {@link Flatten}) ends them. Layers
 * that read the lengths ({@link Recurrent}, {@link Embedding}, {@link Dense} per step, {@link
 * LastStep}) keep padded steps out of outputs and gradients; other layers compute on padded steps
 * like on any other value, and the sequence layers after them ignore the result.
 * {@link #setCarryState} and {@link #resetState} reach every recurrent layer (truncated BPTT,
 * {@link StatefulLayer}).
 */
public final class Sequential implements Layer {
    private final int[] inputShape;
    private final List<Layer> layers;
    /** The spec layers, the layers' parts in order: what the spec string and the state names use. */
    private final List<Layer> specLayers = new ArrayList<>();
    /** For each layer, the spec index of its first part. */
    private final int[] specIndex;

    private final List<Param> params = new ArrayList<>();
    private final List<Tensor> buffers = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();
    private boolean inputGradient;

    /**
     * @param layers the layers to run, as they are: fused only where the list has fused layers
     *     ({@link LayerFusion#fuse})
     */
    public Sequential(int[] inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
        this.specIndex = new int[this.layers.size()];
        int[] s = this.inputShape;
        shapes.add(s);
        for (int i = 0; i < this.layers.size(); i++) {
            Layer l = this.layers.get(i);
            checkStateIsTheParts(l);
            specIndex[i] = specLayers.size();
            specLayers.addAll(l.parts());
            s = l.outputShape(s);
            shapes.add(s);
            params.addAll(l.params());
            buffers.addAll(l.buffers());
        }
        setInputGradient(false);
    }

    /**
     * The state is named after the parts and read from the layer, so a fused layer must hold
     * exactly its parts' parameters and buffers, in order.
     */
    private static void checkStateIsTheParts(Layer l) {
        if (l.parts().equals(List.of(l))) {
            return; // not fused
        }
        List<Param> p = new ArrayList<>();
        List<Tensor> b = new ArrayList<>();
        for (Layer part : l.parts()) {
            p.addAll(part.params());
            b.addAll(part.buffers());
        }
        if (!p.equals(l.params()) || !b.equals(l.buffers())) {
            throw new IllegalArgumentException(
                    l.describe() + " must hold exactly the parameters and buffers of its parts, in order");
        }
    }

    /**
     * Whether {@link #backward} must return dLoss/dInput: false (the default) when the input is
     * data, true when it comes from another model that trains. Every layer but the first is always
     * asked for its input gradient.
     */
    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).setInputGradient(i > 0 || needed);
        }
    }

    /** The layers that run, fused layers included; see {@link #specIndex}. */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The position in the spec (in the unfused layer list) of {@code layers().get(layer)}, for a
     * fused layer that of its first part: the index its state is named by.
     */
    public int specIndex(int layer) {
        return specIndex[layer];
    }

    public int[] inputShape() {
        return inputShape.clone();
    }

    /** Per-sample output shape. */
    public int[] outputShape() {
        return shapes.get(shapes.size() - 1).clone();
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        Tensor h = checkInput(x);
        for (Layer l : layers) {
            Tensor out = l.forward(h, training);
            h = h.lengths() != null && out.lengths() == null && keepsTimeAxis(h, out)
                    ? out.withLengths(h.lengths())
                    : out;
        }
        return h;
    }

    /** Whether {@code out} is still a sequence batch over the time axis of {@code in}. */
    private static boolean keepsTimeAxis(Tensor in, Tensor out) {
        return out.rank() >= 3 && out.dim(0) == in.dim(0) && out.dim(1) == in.dim(1);
    }

    /**
     * Whether every recurrent layer starts each forward from the previous forward's final state
     * (truncated backpropagation through time over consecutive chunks; see {@link StatefulLayer}).
     */
    public void setCarryState(boolean carry) {
        for (Layer l : layers) {
            if (l instanceof StatefulLayer s) {
                s.setCarryState(carry);
            }
        }
    }

    /** Every recurrent layer's next forward starts from zeros: call it at each new batch of sequences. */
    public void resetState() {
        for (Layer l : layers) {
            if (l instanceof StatefulLayer s) {
                s.resetState();
            }
        }
    }

    /**
     * Backward through every layer. Returns dLoss/dInput, or null when the input gradient is not
     * needed and the first layer skipped it.
     *
     * @throws IllegalStateException when any other layer returns no input gradient: the layers
     *     before it would silently not learn
     */
    @Override
    public Tensor backward(Tensor gradOut) {
        if (gradOut == null) {
            // what a model gets from one that skipped its input gradient: it would not learn
            throw new IllegalArgumentException("no output gradient; a model that feeds another needs the"
                    + " other's input gradient: setInputGradient(true) on it, or use a Chain");
        }
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = layers.get(i).backward(g);
            if (g == null && (i > 0 || inputGradient)) {
                throw new IllegalStateException("layer " + i + " '"
                        + layers.get(i).describe()
                        + "' returned no input gradient, but "
                        + (i > 0 ? "the layers before it need one" : "this model's input gradient is required"));
            }
        }
        return g;
    }

    /** Checks size and finiteness; returns {@code x} viewed as N × inputShape, with its lengths. */
    private Tensor checkInput(Tensor x) {
        if (x.rank() < 2 || x.sampleSize() != Shapes.size(inputShape)) {
            throw new ShapeException("input sample shape " + Shapes.describe(Shapes.sampleShape(x.shape()))
                    + " does not match the model's input shape " + Shapes.describe(inputShape) + " ("
                    + Shapes.size(inputShape) + " values per sample)");
        }
        float[] d = x.data();
        int per = x.sampleSize();
        for (int i = 0; i < d.length; i++) {
            if (!Float.isFinite(d[i])) {
                throw new IllegalArgumentException(
                        "input row " + i / per + " value " + i % per + " is " + d[i] + "; features must be finite");
            }
        }
        return x.reshape(Shapes.withBatch(x.dim(0), inputShape)).withLengths(x.lengths());
    }

    @Override
    public int[] outputShape(int[] in) {
        return Layers.outputShape(layers, in);
    }

    @Override
    public List<Param> params() {
        return Collections.unmodifiableList(params);
    }

    @Override
    public List<Tensor> buffers() {
        return Collections.unmodifiableList(buffers);
    }

    /**
     * One named tensor of the flat state: {@code <spec index>.<name>}, its shape and offset. The
     * index is the layer's position in the spec, so the names do not depend on fusion.
     */
    public record StateEntry(String name, int[] shape, int offset) {
        public int size() {
            return Shapes.size(shape);
        }
    }

    /** The flat state's tensors in order: every parameter, then every buffer. */
    public List<StateEntry> stateLayout() {
        List<StateEntry> out = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < specLayers.size(); i++) {
            for (Param p : specLayers.get(i).params()) {
                out.add(new StateEntry(i + "." + p.name(), p.value().shape(), off));
                off += p.size();
            }
        }
        for (int i = 0; i < specLayers.size(); i++) {
            List<Tensor> b = specLayers.get(i).buffers();
            List<String> names = specLayers.get(i).bufferNames();
            for (int j = 0; j < b.size(); j++) {
                out.add(new StateEntry(i + "." + names.get(j), b.get(j).shape(), off));
                off += b.get(j).size();
            }
        }
        return out;
    }

    public void zeroGrad() {
        for (Param p : params) {
            p.zeroGrad();
        }
    }

    public long parameterCount() {
        long n = 0;
        for (Param p : params) {
            n += p.size();
        }
        return n;
    }

    /** Floats in {@link #copyStateTo}: parameters then buffers. */
    public int stateSize() {
        long n = parameterCount();
        for (Tensor b : buffers) {
            n += b.size();
        }
        return Math.toIntExact(n);
    }

    public float[] state() {
        float[] s = new float[stateSize()];
        copyStateTo(s);
        return s;
    }

    public void copyStateTo(float[] dst) {
        copyStateTo(dst, 0);
    }

    /** Writes {@link #stateSize()} values into {@code dst} starting at {@code offset}. */
    public void copyStateTo(float[] dst, int offset) {
        if (offset < 0 || dst.length - offset < stateSize()) {
            throw new IllegalArgumentException("model state needs " + stateSize() + " values from offset " + offset
                    + " but the array has " + dst.length);
        }
        int off = offset;
        for (Param p : params) {
            System.arraycopy(p.data(), 0, dst, off, p.size());
            off += p.size();
        }
        for (Tensor b : buffers) {
            System.arraycopy(b.data(), 0, dst, off, b.size());
            off += b.size();
        }
    }

    public void loadState(float[] src) {
        if (src.length != stateSize()) {
            throw new IllegalArgumentException(
                    "model state has " + src.length + " values but this model needs " + stateSize());
        }
        loadState(src, 0);
    }

    /** Loads {@link #stateSize()} values from {@code src} starting at {@code offset}. */
    public void loadState(float[] src, int offset) {
        if (offset < 0 || src.length - offset < stateSize()) {
            throw new IllegalArgumentException("model state needs " + stateSize() + " values from offset " + offset
                    + " but the array has " + src.length);
        }
        int off = offset;
        for (Param p : params) {
            System.arraycopy(src, off, p.data(), 0, p.size());
            off += p.size();
        }
        for (Tensor b : buffers) {
            System.arraycopy(src, off, b.data(), 0, b.size());
            off += b.size();
        }
    }

    @Override
    public long forwardMacs(int[] in) {
        return Layers.forwardMacs(layers, in);
    }

    /**
     * A table of the layers that run (a fused block is one row): token, output shape, parameter
     * count; then the totals.
     */
    public String summary() {
        int width = 24;
        for (Layer l : layers) {
            width = Math.max(width, l.describe().length());
        }
        String row = "%-" + width + "s %-14s %12s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(row, "layer", "output", "params"));
        sb.append(String.format(row, "input", Shapes.describe(inputShape), ""));
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long n = 0;
            for (Param p : l.params()) {
                n += p.size();
            }
            total += n;
            sb.append(String.format(row, l.describe(), Shapes.describe(shapes.get(i + 1)), n));
        }
        sb.append(String.format(
                "total parameters: %d, forward MFLOP per sample: %.2f%n", total, 2.0 * forwardMacs(inputShape) / 1e6));
        return sb.toString();
    }

    /** The spec: the tokens of the spec layers, fused or not, separated by spaces. */
    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : specLayers) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(l.describe());
        }
        return sb.toString();
    }
}
