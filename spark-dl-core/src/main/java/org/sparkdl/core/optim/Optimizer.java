package org.sparkdl.core.optim;

import java.util.List;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.nn.Param;

/**
 * A first-order optimizer over a fixed list of parameters. {@link #step()} applies the L1/L2
 * penalties to the gradients of decayed parameters (weights, not biases), then the update rule.
 *
 * <p>State (the step count and every per-element slot such as momentum or Adam's moments)
 * flattens to one {@code float[]}: data-parallel training averages it, checkpoints save it.
 */
public abstract class Optimizer {
    private final List<Param> params;
    /** slots[s][i]: slot s (momentum, second moment, ...) of parameter i. */
    private final float[][][] slots;

    /** Runs each parameter's element loop: split across the kernels' workers, or null for the calling thread. */
    private Kernels loops;

    private double learningRate;
    private double l1;
    private double l2;
    private long steps;

    protected Optimizer(List<Param> params, int slotCount, double learningRate) {
        this.params = List.copyOf(params);
        this.slots = new float[slotCount][this.params.size()][];
        for (int s = 0; s < slotCount; s++) {
            for (int i = 0; i < this.params.size(); i++) {
                slots[s][i] = new float[this.params.get(i).size()];
            }
        }
        setLearningRate(learningRate);
    }

    /**
     * The update of elements {@code [from, to)} of parameter {@code index}: {@code w} in place from
     * gradient {@code g}. Every rule here is element-wise, so ranges may run on different threads.
     */
    protected abstract void update(int index, float[] w, float[] g, int from, int to, float lr, long step);

    public abstract String name();

    protected final float[] slot(int s, int index) {
        return slots[s][index];
    }

    public final void step() {
        steps++;
        float lr = (float) learningRate;
        long step = steps;
        for (int i = 0; i < params.size(); i++) {
            Param p = params.get(i);
            int index = i;
            float[] w = p.data();
            float[] g = p.gradData();
            boolean penalised = p.decayed() && (l1 != 0 || l2 != 0);
            Kernels.RangeBody body = (from, to) -> {
                if (penalised) {
                    addPenalties(w, g, from, to);
                }
                update(index, w, g, from, to, lr, step);
            };
            if (loops == null) {
                body.run(0, w.length);
            } else {
                loops.forRanges(w.length, body);
            }
        }
    }

    /**
     * Runs each parameter's update split into element ranges through {@code kernels}' {@link
     * Kernels#forRanges} (the CPU kernels' workers; small parameters stay on the calling thread).
     * The result is the same: every rule is element-wise. CNN-S's Adam step is memory-bound (seven
     * streams over 858,000 parameters) and took 1.0–1.2 ms of a 22 ms step on one of two threads.
     */
    public Optimizer runOn(Kernels kernels) {
        this.loops = kernels;
        return this;
    }

    /** g += l2·w + l1·sign(w) over {@code [from, to)}: the gradients of (l2/2)·‖w‖² and l1·‖w‖₁. */
    private void addPenalties(float[] w, float[] g, int from, int to) {
        float a = (float) l1;
        float b = (float) l2;
        for (int j = from; j < to; j++) {
            g[j] += b * w[j] + a * Math.signum(w[j]);
        }
    }

    public List<Param> params() {
        return params;
    }

    public double learningRate() {
        return learningRate;
    }

    public Optimizer setLearningRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be a finite non-negative number, got " + lr);
        }
        this.learningRate = lr;
        return this;
    }

    /** L1 penalty strength on decayed parameters. */
    public Optimizer setL1(double l1) {
        this.l1 = nonNegative("l1", l1);
        return this;
    }

    /** L2 penalty strength on decayed parameters (coupled weight decay, added to the gradient). */
    public Optimizer setL2(double l2) {
        this.l2 = nonNegative("l2", l2);
        return this;
    }

    public long steps() {
        return steps;
    }

    /** L1 penalty strength on decayed parameters. */
    public double l1() {
        return l1;
    }

    /** L2 penalty strength on decayed parameters. */
    public double l2() {
        return l2;
    }

    protected static double nonNegative(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite non-negative number, got " + v);
        }
        return v;
    }

    /** 1 (the step count) + every slot of every parameter. */
    public int stateSize() {
        long n = 1;
        for (float[][] s : slots) {
            for (float[] a : s) {
                n += a.length;
            }
        }
        return Math.toIntExact(n);
    }

    public float[] state() {
        float[] out = new float[stateSize()];
        out[0] = steps;
        int off = 1;
        for (float[][] s : slots) {
            for (float[] a : s) {
                System.arraycopy(a, 0, out, off, a.length);
                off += a.length;
            }
        }
        return out;
    }

    /**
     * Restores {@link #state()}. The step count is rounded: averaged states from several replicas
     * carry the same count.
     */
    public void loadState(float[] in) {
        if (in.length != stateSize()) {
            throw new IllegalArgumentException(
                    name() + " state has " + in.length + " values but " + stateSize() + " are expected");
        }
        loadState(in, 0);
    }

    /** Loads {@link #stateSize()} values from {@code in} starting at {@code offset}. */
    public void loadState(float[] in, int offset) {
        if (offset < 0 || in.length - offset < stateSize()) {
            throw new IllegalArgumentException(name() + " state needs " + stateSize() + " values from offset " + offset
                    + " but the array has " + in.length);
        }
        steps = Math.round(in[offset]);
        int off = offset + 1;
        for (float[][] s : slots) {
            for (float[] a : s) {
                System.arraycopy(in, off, a, 0, a.length);
                off += a.length;
            }
        }
    }
}
