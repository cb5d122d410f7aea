package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * Layers applied in order, with a known per-sample input shape. Backward runs them in reverse.
 *
 * <p>A convolution computes the ReLU and the max pooling that follow it ({@link Conv2d#fuse}); they
 * stay in the list and pass through, so the convolution's output is already rectified (and
 * pooled).
 *
 * <p>The model's whole state — every parameter, then every buffer (BatchNorm running statistics),
 * in layer order — flattens to one {@code float[]}: what data-parallel training averages and what
 * persistence writes.
 */
public final class Sequential implements Layer {
    private final int[] inputShape;
    private final List<Layer> layers;
    private final List<Param> params = new ArrayList<>();
    private final List<Tensor> buffers = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();

    public Sequential(int[] inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a model needs at least one layer");
        }
        this.inputShape = inputShape.clone();
        this.layers = List.copyOf(layers);
        int[] s = this.inputShape;
        shapes.add(s);
        for (Layer l : this.layers) {
            s = l.outputShape(s);
            shapes.add(s);
            params.addAll(l.params());
            buffers.addAll(l.buffers());
        }
        if (this.layers.get(0) instanceof WeightedLayer w) {
            w.skipInputGradient();
        }
        for (int i = 0; i < this.layers.size(); i++) {
            if (this.layers.get(i) instanceof Conv2d conv) {
                Activation.ReLU relu = layerAt(i + 1) instanceof Activation.ReLU r ? r : null;
                int next = relu != null ? i + 2 : i + 1;
                Pool2d maxPool = layerAt(next) instanceof Pool2d p && p.kind() == Pool2d.Kind.MAX ? p : null;
                if (relu != null || maxPool != null) {
                    conv.fuse(relu, maxPool);
                }
            }
        }
    }

    private Layer layerAt(int i) {
        return i < layers.size() ? layers.get(i) : null;
    }

    public List<Layer> layers() {
        return layers;
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
            h = l.forward(h, training);
        }
        return h;
    }

    /**
     * Backward through every layer. Returns dLoss/dInput, or null when the first layer skips it
     * (it is never needed for a model's input).
     */
    @Override
    public Tensor backward(Tensor gradOut) {
        Tensor g = gradOut;
        for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
            g = layers.get(i).backward(g);
        }
        return g;
    }

    /** Checks size and finiteness; returns {@code x} viewed as N × inputShape. */
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
        return x.reshape(Shapes.withBatch(x.dim(0), inputShape));
    }

    @Override
    public int[] outputShape(int[] in) {
        int[] s = in;
        for (Layer l : layers) {
            s = l.outputShape(s);
        }
        return s;
    }

    @Override
    public List<Param> params() {
        return Collections.unmodifiableList(params);
    }

    @Override
    public List<Tensor> buffers() {
        return Collections.unmodifiableList(buffers);
    }

    /** One named tensor of the flat state: {@code <layer index>.<name>}, its shape and offset. */
    public record StateEntry(String name, int[] shape, int offset) {
        public int size() {
            return Shapes.size(shape);
        }
    }

    /** The flat state's tensors in order: every parameter, then every buffer. */
    public List<StateEntry> stateLayout() {
        List<StateEntry> out = new ArrayList<>();
        int off = 0;
        for (int i = 0; i < layers.size(); i++) {
            for (Param p : layers.get(i).params()) {
                out.add(new StateEntry(i + "." + p.name(), p.value().shape(), off));
                off += p.size();
            }
        }
        for (int i = 0; i < layers.size(); i++) {
            List<Tensor> b = layers.get(i).buffers();
            List<String> names = layers.get(i).bufferNames();
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
        int off = 0;
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
        long macs = 0;
        int[] s = in;
        for (Layer l : layers) {
            macs += l.forwardMacs(s);
            s = l.outputShape(s);
        }
        return macs;
    }

    /** A per-layer table: token, output shape, parameter count; then the totals. */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-24s %-14s %12s%n", "layer", "output", "params"));
        sb.append(String.format("%-24s %-14s %12s%n", "input", Shapes.describe(inputShape), ""));
        long total = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            long n = 0;
            for (Param p : l.params()) {
                n += p.size();
            }
            total += n;
            sb.append(String.format("%-24s %-14s %12d%n", l.describe(), Shapes.describe(shapes.get(i + 1)), n));
        }
        sb.append(String.format(
                "total parameters: %d, forward MFLOP per sample: %.2f%n", total, 2.0 * forwardMacs(inputShape) / 1e6));
        return sb.toString();
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (Layer l : layers) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(l.describe());
        }
        return sb.toString();
    }
}
