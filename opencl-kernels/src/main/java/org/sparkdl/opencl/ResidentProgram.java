package org.sparkdl.opencl;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.loss.MulticlassHinge;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Activation;
import org.sparkdl.core.nn.BatchNorm;
import org.sparkdl.core.nn.Conv2d;
import org.sparkdl.core.nn.Dense;
import org.sparkdl.core.nn.Dropout;
import org.sparkdl.core.nn.Embedding;
import org.sparkdl.core.nn.Flatten;
import org.sparkdl.core.nn.LastStep;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.LayerNorm;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.nn.Pool2d;
import org.sparkdl.core.nn.Recurrent;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.AdaGrad;
import org.sparkdl.core.optim.Adam;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.RmsProp;
import org.sparkdl.core.optim.Sgd;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Trainer;

/**
 * A training step laid out in one device arena: which layers, losses and optimizers can run
 * there ({@link #whyNot}), and where everything lives for a given largest batch. The arena holds,
 * in this order: the model's state as {@link Sequential#copyStateTo} lays it out and the
 * optimizer's as {@link Optimizer#state} does (together the round's state, which crosses as one
 * block), the parameters' gradients (one block, zeroed by one launch), the mini-batch's features
 * and labels, each layer's output and output gradient, the loss's rows, the products' scratch and
 * the guard word. Max poolings keep their argmax in a second, int arena.
 */
final class ResidentProgram {
    /** A parameter's optimizer launch: value, gradient and slot offsets, element count. */
    record Update(int value, int gradient, int slot0, int slot1, int count, boolean decayed) {}

    final int maxBatch;
    final int inputSize;
    final int classes;
    /** Scored rows per sample: the steps of an output per step (a language model's), else 1. */
    final int rowsPerSample;
    /** The multiclass hinge loss instead of softmax cross-entropy. */
    final boolean hinge;
    /** The model's first layer when it looks up token ids (their check runs on the host), else null. */
    final Embedding embedding;
    /** The recurrent layers, whose state a step may carry into the next. */
    final List<ResidentLayer.Recurrent> recurrents = new ArrayList<>();

    final int modelStateSize;
    final int stateSize;
    final int optimizerState;
    final int gradients;
    final int gradientCount;
    final int input;
    final int labels;
    /** Each sequence's valid steps, for sequence inputs (-1 otherwise). */
    final int lengths;

    final int logits;
    final int dLogits;
    final int lossRows;
    final int guard;
    final int floats;
    final int ints;
    final long activationFloats;
    final long scratchFloats;
    /** Gradient clipping's partial sums and factor, or -1 without clipping. */
    final int clipPartials;

    final int clipGroups;
    final int clipFactor;
    final List<ResidentLayer> layers = new ArrayList<>();
    /** The dropout layers among {@link #layers}, in order: each step draws their mask keys. */
    final List<ResidentLayer.Dropout> dropouts = new ArrayList<>();

    final List<Update> updates = new ArrayList<>();
    /**
     * {@link #updates} with neighbours merged where values, gradients and slots all continue one
     * another (all of a model's parameters, usually): one launch each, for when no penalty or
     * decay tells decayed parameters apart.
     */
    final List<Update> mergedUpdates = new ArrayList<>();

    private long next;
    private long nextInt;
    private long scratchNeed;

    /** Null when {@code trainer}'s step can run resident, else the first thing that cannot. */
    static String whyNot(Trainer trainer) {
        if (!(trainer.loss() instanceof SoftmaxCrossEntropy || trainer.loss() instanceof MulticlassHinge)) {
            return "the loss " + trainer.loss().name() + " does not run on the device yet (cross_entropy and hinge"
                    + " do)";
        }
        Optimizer o = trainer.optimizer();
        if (!(o instanceof Adam || o instanceof Sgd || o instanceof AdaGrad || o instanceof RmsProp)) {
            return "the optimizer " + o.name() + " does not run on the device yet";
        }
        Sequential model = trainer.model();
        int[] shape = model.inputShape();
        if (shape.length < 1 || shape.length > 3) {
            return "inputs of shape " + Shapes.describe(shape) + " do not run on the device yet";
        }
        List<Layer> parts = parts(model);
        for (int i = 0; i < parts.size(); i++) {
            Layer part = parts.get(i);
            if (part instanceof Embedding && i > 0) {
                return "'" + part.describe() + "' after another layer does not run on the device";
            }
            if (!(part instanceof Conv2d
                    || part instanceof Embedding
                    || part instanceof Pool2d
                    || part instanceof Flatten
                    || part instanceof Dense
                    || part instanceof Activation
                    || part instanceof BatchNorm
                    || part instanceof LayerNorm
                    || part instanceof Dropout
                    || part instanceof Recurrent
                    || part instanceof LastStep)) {
                return "the layer '" + part.describe() + "' does not run on the device yet (conv, maxpool, avgpool,"
                        + " the activations, batchnorm, layernorm, dropout, flatten, dense, embedding, rnn, lstm, gru"
                        + " and last do)";
            }
            if (part instanceof Recurrent r && r.layers() > 1 && r.dropout() > 0f) {
                return "'" + part.describe() + "': dropout between stacked recurrent layers does not run on the device"
                        + " yet";
            }
            shape = part.outputShape(shape);
        }
        if (shape.length != 1 && shape.length != 2) {
            return "an output of shape " + Shapes.describe(shape) + " does not run on the device yet (classes, or"
                    + " classes per step, do)";
        }
        return null;
    }

    /** The model's spec layers in order, fused layers taken apart. */
    static List<Layer> parts(Sequential model) {
        List<Layer> parts = new ArrayList<>();
        for (Layer l : model.layers()) {
            parts.addAll(l.parts());
        }
        return parts;
    }

    ResidentProgram(Trainer trainer, int maxBatch, OpenClKernels kernels) {
        String why = whyNot(trainer);
        if (why != null) {
            throw new IllegalArgumentException("this training step cannot run resident on the device: " + why);
        }
        if (maxBatch <= 0) {
            throw new IllegalArgumentException("the largest batch must be positive, got " + maxBatch);
        }
        Sequential model = trainer.model();
        Optimizer optimizer = trainer.optimizer();
        this.maxBatch = maxBatch;
        this.inputSize = Shapes.size(model.inputShape());
        int[] out = model.outputShape();
        this.classes = out[out.length - 1];
        this.rowsPerSample = out.length == 2 ? out[0] : 1;
        this.hinge = trainer.loss() instanceof MulticlassHinge;
        Layer first = parts(model).get(0);
        this.embedding = first instanceof Embedding e ? e : null;
        // the state: the model's (parameters, then buffers), then the optimizer's
        Map<Param, Integer> values = new IdentityHashMap<>();
        this.modelStateSize = model.stateSize();
        long offset = 0;
        for (Param p : model.params()) {
            values.put(p, (int) offset);
            offset += p.size();
        }
        Map<Tensor, Integer> buffers = new IdentityHashMap<>();
        for (Tensor b : model.buffers()) {
            buffers.put(b, (int) offset);
            offset += b.size();
        }
        take(modelStateSize);
        this.optimizerState = take(optimizer.stateSize());
        this.stateSize = modelStateSize + optimizer.stateSize();
        Map<Param, Integer> grads = new IdentityHashMap<>();
        this.gradientCount = (int) model.parameterCount();
        this.gradients = take(gradientCount);
        offset = gradients;
        for (Param p : model.params()) {
            grads.put(p, (int) offset);
            offset += p.size();
        }
        layOutUpdates(optimizer, values, grads);
        long beforeActivations = next;
        this.input = take((long) maxBatch * inputSize);
        long rows = (long) maxBatch * rowsPerSample;
        this.labels = take(rows);
        this.lengths = model.inputShape().length == 2 || embedding != null ? take(maxBatch) : -1;
        this.dLogits = take(rows * classes);
        int last = layOutLayers(model, values, grads, buffers, kernels);
        this.logits = last;
        this.lossRows = take(2 * rows);
        this.activationFloats = next - beforeActivations;
        this.scratchFloats = scratchNeed;
        int scratch = take(scratchNeed);
        for (ResidentLayer l : layers) {
            l.bindScratch(scratch);
        }
        if (trainer.clipNorm() > 0) {
            this.clipGroups = kernels.reductionGroups(gradientCount);
            this.clipPartials = take(clipGroups);
            this.clipFactor = take(1);
        } else {
            this.clipGroups = 0;
            this.clipPartials = -1;
            this.clipFactor = -1;
        }
        this.guard = take(1);
        this.floats = (int) next;
        this.ints = (int) Math.max(1, nextInt);
    }

    private void layOutUpdates(Optimizer optimizer, Map<Param, Integer> values, Map<Param, Integer> grads) {
        long slotSize = 0;
        for (Param p : optimizer.params()) {
            slotSize += p.size();
        }
        int slots = (optimizer.stateSize() - 1) / (int) Math.max(1, slotSize);
        long prefix = 0;
        for (Param p : optimizer.params()) {
            // Optimizer.state(): the step count, then slot 0 of every parameter, then slot 1
            long slot0 = optimizerState + 1 + prefix;
            long slot1 = slot0 + slotSize;
            updates.add(new Update(
                    values.get(p),
                    grads.get(p),
                    slots > 0 ? (int) slot0 : -1,
                    slots > 1 ? (int) slot1 : -1,
                    p.size(),
                    p.decayed()));
            prefix += p.size();
        }
        for (Update u : updates) {
            Update last = mergedUpdates.isEmpty() ? null : mergedUpdates.get(mergedUpdates.size() - 1);
            if (last != null && continues(last, u)) {
                mergedUpdates.set(
                        mergedUpdates.size() - 1,
                        new Update(
                                last.value(),
                                last.gradient(),
                                last.slot0(),
                                last.slot1(),
                                last.count() + u.count(),
                                last.decayed()));
            } else {
                mergedUpdates.add(u);
            }
        }
    }

    /** Whether {@code next}'s value, gradient and slots start where {@code last}'s end. */
    private static boolean continues(Update last, Update next) {
        int n = last.count();
        return next.value() == last.value() + n
                && next.gradient() == last.gradient() + n
                && (last.slot0() < 0 ? next.slot0() < 0 : next.slot0() == last.slot0() + n)
                && (last.slot1() < 0 ? next.slot1() < 0 : next.slot1() == last.slot1() + n);
    }

    /** Lays out every layer's output and gradients; returns where the last output (the logits) is. */
    private int layOutLayers(
            Sequential model,
            Map<Param, Integer> values,
            Map<Param, Integer> grads,
            Map<Tensor, Integer> buffers,
            OpenClKernels kernels) {
        List<Layer> parts = parts(model);
        int count = parts.size();
        int[][] shapes = new int[count + 1][];
        shapes[0] = model.inputShape();
        for (int i = 0; i < count; i++) {
            shapes[i + 1] = parts.get(i).outputShape(shapes[i]);
        }
        // outputs: a fresh block per layer; flatten's is its input's, and so is the output of a
        // ReLU fused into the convolution before it (the convolution writes it rectified)
        int[] out = new int[count];
        int prev = input;
        for (int i = 0; i < count; i++) {
            out[i] = passesThrough(parts, i) ? prev : take((long) maxBatch * Shapes.size(shapes[i + 1]));
            prev = out[i];
        }
        // output gradients, from the last: the loss's, then a fresh block unless such a layer follows
        int[] gradOut = new int[count];
        gradOut[count - 1] = dLogits;
        for (int i = count - 2; i >= 0; i--) {
            gradOut[i] =
                    passesThrough(parts, i + 1) ? gradOut[i + 1] : take((long) maxBatch * Shapes.size(shapes[i + 1]));
        }
        boolean computesBefore = false;
        for (int i = 0; i < count; i++) {
            Layer part = parts.get(i);
            int x = i == 0 ? input : out[i - 1];
            int dx = computesBefore ? gradOut[i - 1] : -1;
            int[] in = shapes[i];
            if (part instanceof Conv2d conv) {
                ConvGeometry g = conv.geometryFor(Shapes.withBatch(maxBatch, in));
                needProduct(kernels, b -> new int[] {
                    g.outChannels(), g.patchSize(), g.withBatch(b).columns()
                });
                needScratch((long) kernels.biasChunks(g.outChannels(), g.columns()) * g.outChannels());
                boolean relu = i + 1 < count && fusedRelu(parts, i + 1);
                layers.add(new ResidentLayer.Conv(
                        g, relu, x, out[i], gradOut[i], dx, paramOffsets(conv.params(), values, grads)));
            } else if (part instanceof Pool2d pool) {
                PoolGeometry g = pool.geometryFor(Shapes.withBatch(maxBatch, in));
                boolean max = pool.kind() == Pool2d.Kind.MAX;
                int argmax = max ? takeInts(g.outputSize()) : 0;
                layers.add(new ResidentLayer.Pool(g, max, x, out[i], gradOut[i], dx, argmax));
            } else if (part instanceof Dense dense) {
                int steps = in.length == 2 ? in[0] : 1; // per step on a sequence
                int inSize = in[in.length - 1];
                int outSize = shapes[i + 1][shapes[i + 1].length - 1];
                needProduct(kernels, b -> new int[] {b * steps, outSize, inSize});
                needProduct(kernels, b -> new int[] {outSize, inSize, b * steps});
                needProduct(kernels, b -> new int[] {b * steps, inSize, outSize});
                layers.add(new ResidentLayer.Dense(
                        inSize,
                        outSize,
                        steps,
                        x,
                        out[i],
                        gradOut[i],
                        dx,
                        paramOffsets(dense.params(), values, grads)));
            } else if (part instanceof Embedding e) {
                layers.add(new ResidentLayer.Embedding(
                        in[0], e.dim(), x, out[i], gradOut[i], values.get(e.weight()), grads.get(e.weight())));
            } else if (part instanceof Activation.ReLU) {
                if (!fusedRelu(parts, i)) { // else the convolution before it computes it
                    layers.add(new ResidentLayer.Relu(Shapes.size(in), x, out[i], gradOut[i], dx));
                }
            } else if (part instanceof Activation a) {
                layers.add(new ResidentLayer.Activation(
                        activationKind(a), activationSlope(a), Shapes.size(in), x, out[i], gradOut[i], dx));
            } else if (part instanceof BatchNorm bn) {
                int size = Shapes.size(in);
                int channels = bn.channels();
                ResidentOps.NormOffsets offsets = new ResidentOps.NormOffsets(
                        values.get(bn.gamma()),
                        values.get(bn.beta()),
                        buffers.get(bn.runningMean()),
                        buffers.get(bn.runningVar()),
                        grads.get(bn.gamma()),
                        grads.get(bn.beta()));
                int xhat = take((long) maxBatch * size);
                int invStd = take(channels);
                layers.add(new ResidentLayer.BatchNorm(
                        offsets,
                        channels,
                        size / channels,
                        bn.momentum(),
                        bn.eps(),
                        x,
                        out[i],
                        gradOut[i],
                        dx,
                        xhat,
                        invStd));
            } else if (part instanceof LayerNorm ln) {
                int size = Shapes.size(in);
                layers.add(new ResidentLayer.LayerNorm(
                        size,
                        ln.eps(),
                        x,
                        out[i],
                        gradOut[i],
                        dx,
                        paramOffsets(ln.params(), values, grads),
                        take((long) maxBatch * size),
                        take(maxBatch),
                        take((long) maxBatch * size)));
            } else if (part instanceof Recurrent r) {
                ResidentLayer.Recurrent layer = recurrent(r, in, x, out[i], gradOut[i], dx, values, grads, kernels);
                layers.add(layer);
                recurrents.add(layer);
            } else if (part instanceof LastStep last) {
                int features = in[1];
                layers.add(new ResidentLayer.Last(
                        in[0], features, last.featuresAtLastStep(features), x, out[i], gradOut[i], dx));
            } else if (part instanceof Dropout d && !passesThrough(parts, i)) {
                int size = Shapes.size(in);
                ResidentLayer.Dropout layer =
                        new ResidentLayer.Dropout(d, size, x, out[i], gradOut[i], dx, take((long) maxBatch * size));
                layers.add(layer);
                dropouts.add(layer);
            }
            computesBefore |= !passesThrough(parts, i);
        }
        return out[count - 1];
    }

    /**
     * A recurrent layer's loops: per stacked layer and direction its projections, states, saved
     * gates and gradients; between stacked layers their outputs and output gradients.
     */
    private ResidentLayer.Recurrent recurrent(
            Recurrent r,
            int[] in,
            int x,
            int y,
            int dy,
            int dx,
            Map<Param, Integer> values,
            Map<Param, Integer> grads,
            OpenClKernels kernels) {
        int steps = in[0];
        int stacked = r.layers();
        int directions = r.bidirectional() ? 2 : 1;
        int hidden = r.hidden();
        int width = directions * hidden;
        int gates = r.kind() == Recurrent.Kind.LSTM ? 4 : r.kind() == Recurrent.Kind.GRU ? 3 : 1;
        int savedWidth = r.kind() == Recurrent.Kind.RNN ? 0 : 4;
        int cell = r.kind() == Recurrent.Kind.LSTM
                ? DeviceKernel.CELL_LSTM
                : r.kind() == Recurrent.Kind.GRU ? DeviceKernel.CELL_GRU : DeviceKernel.CELL_RNN;
        int gh = gates * hidden;
        int[] inputs = new int[stacked];
        int[] outputs = new int[stacked];
        int[] outputGrads = new int[stacked];
        int[] inputGrads = new int[stacked];
        long block = (long) maxBatch * steps * width;
        for (int l = 0; l < stacked; l++) {
            outputs[l] = l == stacked - 1 ? y : take(block);
            outputGrads[l] = l == stacked - 1 ? dy : take(block);
        }
        for (int l = 0; l < stacked; l++) {
            inputs[l] = l == 0 ? x : outputs[l - 1];
            inputGrads[l] = l == 0 ? dx : outputGrads[l - 1];
        }
        List<Param> params = r.params();
        ResidentLayer.Recurrent.Run[][] runs = new ResidentLayer.Recurrent.Run[stacked][directions];
        for (int l = 0; l < stacked; l++) {
            int layerIn = l == 0 ? in[1] : width;
            for (int d = 0; d < directions; d++) {
                int[] offsets = new int[8];
                for (int k = 0; k < 4; k++) {
                    Param p = params.get((l * directions + d) * 4 + k); // W_ih, W_hh, b_ih, b_hh
                    offsets[k] = values.get(p);
                    offsets[4 + k] = grads.get(p);
                }
                ResidentOps.Direction loop = new ResidentOps.Direction(
                        cell,
                        hidden,
                        gh,
                        savedWidth,
                        d == 1,
                        take((long) maxBatch * steps * gh),
                        take((long) maxBatch * gh),
                        take((long) (steps + 1) * maxBatch * hidden),
                        cell == DeviceKernel.CELL_LSTM ? take((long) (steps + 1) * maxBatch * hidden) : -1,
                        take((long) steps * maxBatch * savedWidth * hidden),
                        width,
                        d * hidden,
                        take((long) maxBatch * steps * gh),
                        take((long) maxBatch * gh),
                        take((long) maxBatch * hidden),
                        take((long) maxBatch * hidden),
                        take((long) maxBatch * hidden));
                runs[l][d] = new ResidentLayer.Recurrent.Run(loop, layerIn, offsets);
                needProduct(kernels, b -> new int[] {b * steps, gh, layerIn});
                needProduct(kernels, b -> new int[] {b, gh, hidden});
                needProduct(kernels, b -> new int[] {b, hidden, gh});
                needProduct(kernels, b -> new int[] {gh, hidden, b});
                needProduct(kernels, b -> new int[] {gh, layerIn, b * steps});
                needProduct(kernels, b -> new int[] {b * steps, layerIn, gh});
            }
        }
        return new ResidentLayer.Recurrent(steps, runs, inputs, outputs, outputGrads, inputGrads);
    }

    /**
     * Parts whose output is their input's block (and so their input gradient their output
     * gradient's): flatten, dropout with p = 0, and a ReLU fused into the convolution before it.
     */
    private static boolean passesThrough(List<Layer> parts, int i) {
        Layer part = parts.get(i);
        return part instanceof Flatten || (part instanceof Dropout d && d.p() == 0f) || fusedRelu(parts, i);
    }

    /**
     * A ReLU right after a convolution, which the convolution computes instead (an explicit
     * rewrite of the pair: its output pass rectifies, its backward masks the gradient in place):
     * one launch and one pass over the largest activations fewer each way.
     */
    private static boolean fusedRelu(List<Layer> parts, int i) {
        return i > 0 && parts.get(i).getClass() == Activation.ReLU.class && parts.get(i - 1) instanceof Conv2d;
    }

    private static int activationKind(Activation a) {
        if (a instanceof Activation.LeakyReLU) {
            return DeviceKernel.ACT_LEAKY_RELU;
        } else if (a instanceof Activation.ELU) {
            return DeviceKernel.ACT_ELU;
        } else if (a instanceof Activation.Sigmoid) {
            return DeviceKernel.ACT_SIGMOID;
        } else if (a instanceof Activation.Tanh) {
            return DeviceKernel.ACT_TANH;
        } else if (a instanceof Activation.GELU) {
            return DeviceKernel.ACT_GELU;
        }
        throw new IllegalArgumentException("no device kernel for the activation " + a.describe());
    }

    private static float activationSlope(Activation a) {
        if (a instanceof Activation.LeakyReLU l) {
            return l.slope();
        }
        return a instanceof Activation.ELU e ? e.alpha() : 0f;
    }

    /** A layer's weight and bias: their values' and gradients' offsets. */
    private static int[] paramOffsets(List<Param> params, Map<Param, Integer> values, Map<Param, Integer> grads) {
        Param w = params.get(0);
        Param b = params.get(1);
        return new int[] {values.get(w), values.get(b), grads.get(w), grads.get(b)};
    }

    /**
     * Scratch for the partial sums of an m×n×k product, whose sizes {@code dims} gives for a batch
     * of b rows: the most any batch up to the largest needs (fewer rows can mean more slices).
     */
    private void needProduct(OpenClKernels kernels, IntFunction<int[]> dims) {
        for (int b = 1; b <= maxBatch; b++) {
            int[] d = dims.apply(b);
            int slices = kernels.slices(d[0], d[1], d[2], true);
            if (slices > 1) {
                needScratch((long) slices * d[0] * d[1]);
            }
        }
    }

    private void needScratch(long floats) {
        scratchNeed = Math.max(scratchNeed, floats);
    }

    private int take(long count) {
        long at = next;
        next += count;
        checkArena(next, "float");
        return (int) at;
    }

    private int takeInts(long count) {
        long at = nextInt;
        nextInt += count;
        checkArena(nextInt, "int");
        return (int) at;
    }

    private void checkArena(long size, String kind) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a resident step at batch " + maxBatch + " needs more than "
                    + (Integer.MAX_VALUE - 8) + " " + kind + " values in one device arena (a Java array's limit, 8 GB"
                    + " of floats); lower batchSize");
        }
    }

    /** Device memory of the arenas in bytes. */
    long arenaBytes() {
        return 4L * floats + 4L * ints;
    }
}
