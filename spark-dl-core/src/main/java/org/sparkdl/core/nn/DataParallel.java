package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * One model whose training batch is split over per-thread replicas: replica i runs forward and
 * backward on its share of the rows, on its own thread and single-threaded kernels, and the
 * replicas' gradients are summed into the model's own once per backward. To its caller it is the
 * model: the same output, the same gradients in {@link Param#grad()}, the same state.
 *
 * <p>Why: splitting each layer's batch over the cores hands off at every layer and gains 1.3–1.7×
 * per layer on two cores, while two single-threaded replicas that run whole passes gain about 1.9×
 * (docs/PERFORMANCE.md, "The core's batch-64 step on one and two threads").
 *
 * <p>The model ({@code master}) keeps the state: parameters, buffers and, through its caller, the
 * optimizer. Each training forward first copies its parameters and buffers into the replicas it
 * uses (a copy of the state per replica and step, small beside the step), so whatever changed the
 * model (an optimizer step, a loaded state) reaches them. After the forward, the model's buffers
 * are the replicas' mean: BatchNorm's running statistics then move as one model's would towards the
 * mean of the shares' statistics. BatchNorm normalises each share over its own rows, as PyTorch's
 * {@code DistributedDataParallel} without synchronised BatchNorm does; every other layer computes
 * what the model computes, in a different order of additions.
 *
 * <p>A forward that is not training runs on the model itself. The loss sees the whole batch's
 * output, so a loss over the whole batch (contrastive losses) is computed as without replicas.
 */
public final class DataParallel implements Layer {
    /**
     * The replicas' threads, shared by every instance: a thread idle for a minute ends, so a model
     * that is dropped leaves none behind (a cross-validation fits many).
     */
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "spark-dl-replica");
        t.setDaemon(true);
        return t;
    });

    private final Layer master;
    private final List<? extends Layer> replicas;
    /** Row ranges of the last training forward, one per replica used; null after a non-training one. */
    private int[] bounds;

    private boolean inputGradient;

    /**
     * @param master the model whose state is trained
     * @param replicas models of the same architecture, each on single-threaded kernels: replica 0
     *     runs on the calling thread, the others on pooled threads
     */
    public DataParallel(Layer master, List<? extends Layer> replicas) {
        if (replicas.size() < 2) {
            throw new IllegalArgumentException("data parallelism needs at least 2 replicas, got " + replicas.size());
        }
        for (int i = 0; i < replicas.size(); i++) {
            checkSameState(master, replicas.get(i), i);
        }
        this.master = master;
        this.replicas = List.copyOf(replicas);
    }

    /**
     * One model per thread of {@code kernels}, each built by {@code build} on single-threaded
     * kernels of the same configuration: the replicas of a model built on {@code kernels}. Empty
     * where there is nothing to split: one thread, kernels other than the CPU's, or {@code
     * -Dsparkdl.dataParallel=off} (each layer's kernels then split the batch over the threads).
     */
    public static <T> List<T> perThreadReplicas(Kernels kernels, Function<Kernels, T> build) {
        List<T> out = new ArrayList<>();
        boolean on = !"off".equals(System.getProperty("sparkdl.dataParallel", "on"));
        if (on && kernels instanceof CpuKernels cpu && cpu.threads() > 1) {
            for (int i = 0; i < cpu.threads(); i++) {
                out.add(build.apply(cpu.oneThread()));
            }
        }
        return out;
    }

    private static void checkSameState(Layer master, Layer replica, int index) {
        List<Param> mp = master.params();
        List<Param> rp = replica.params();
        List<Tensor> mb = master.buffers();
        List<Tensor> rb = replica.buffers();
        boolean same = mp.size() == rp.size() && mb.size() == rb.size();
        for (int j = 0; same && j < mp.size(); j++) {
            same = mp.get(j).value().hasShape(rp.get(j).value().shape());
        }
        for (int j = 0; same && j < mb.size(); j++) {
            same = mb.get(j).hasShape(rb.get(j).shape());
        }
        if (!same) {
            throw new IllegalArgumentException("replica " + index + " '" + replica.describe()
                    + "' does not hold the parameters and buffers of the model '" + master.describe() + "'");
        }
    }

    /** The model that keeps the state. */
    public Layer master() {
        return master;
    }

    /** The replicas, in the order of the rows they take. */
    public List<? extends Layer> replicas() {
        return replicas;
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
        master.setInputGradient(needed);
        for (Layer r : replicas) {
            r.setInputGradient(needed);
        }
    }

    /**
     * @param x N rows; a training forward splits them into contiguous shares, one per replica (at
     *     most N replicas)
     */
    @Override
    public Tensor forward(Tensor x, boolean training) {
        if (!training) {
            bounds = null;
            return master.forward(x, false);
        }
        int n = x.dim(0);
        int parts = Math.min(replicas.size(), n);
        int[] b = new int[parts + 1];
        for (int i = 0; i <= parts; i++) {
            b[i] = (int) ((long) n * i / parts);
        }
        Tensor[] outs = new Tensor[parts];
        try {
            run(parts, i -> {
                Layer r = replicas.get(i);
                copyState(master, r);
                outs[i] = r.forward(rows(x, b[i], b[i + 1]), true);
            });
        } catch (RuntimeException e) {
            // a replica numbers rows from its share's first: the model itself names them as the caller does
            bounds = null;
            master.forward(x, true);
            throw e;
        }
        averageBuffers(parts);
        bounds = b;
        return concat(outs);
    }

    /** Adds the replicas' dLoss/dParam into the model's gradients; returns dLoss/dInput where asked. */
    @Override
    public Tensor backward(Tensor gradOut) {
        if (bounds == null) {
            return master.backward(gradOut);
        }
        int[] b = bounds;
        int parts = b.length - 1;
        Tensor[] inGrads = new Tensor[parts];
        run(parts, i -> {
            Layer r = replicas.get(i);
            for (Param p : r.params()) {
                p.zeroGrad();
            }
            inGrads[i] = r.backward(rows(gradOut, b[i], b[i + 1]));
        });
        sumGradients(parts);
        return inputGradient ? concat(inGrads) : null;
    }

    /** The replicas' parameter gradients, summed into the model's; each thread sums a slice of every parameter. */
    private void sumGradients(int parts) {
        List<Param> mp = master.params();
        int threads = replicas.size();
        run(threads, t -> {
            for (int j = 0; j < mp.size(); j++) {
                float[] dst = mp.get(j).gradData();
                int from = (int) ((long) dst.length * t / threads);
                int to = (int) ((long) dst.length * (t + 1) / threads);
                for (int i = 0; i < parts; i++) {
                    float[] src = replicas.get(i).params().get(j).gradData();
                    for (int k = from; k < to; k++) {
                        dst[k] += src[k];
                    }
                }
            }
        });
    }

    /** The model's buffers become the mean of those of the replicas that ran. */
    private void averageBuffers(int parts) {
        List<Tensor> mb = master.buffers();
        for (int j = 0; j < mb.size(); j++) {
            float[] dst = mb.get(j).data();
            Arrays.fill(dst, 0f);
            for (int i = 0; i < parts; i++) {
                float[] src = replicas.get(i).buffers().get(j).data();
                for (int k = 0; k < dst.length; k++) {
                    dst[k] += src[k] / parts;
                }
            }
        }
    }

    private static void copyState(Layer from, Layer to) {
        List<Param> fp = from.params();
        List<Param> tp = to.params();
        for (int j = 0; j < fp.size(); j++) {
            System.arraycopy(fp.get(j).data(), 0, tp.get(j).data(), 0, fp.get(j).size());
        }
        List<Tensor> fb = from.buffers();
        List<Tensor> tb = to.buffers();
        for (int j = 0; j < fb.size(); j++) {
            System.arraycopy(fb.get(j).data(), 0, tb.get(j).data(), 0, fb.get(j).size());
        }
    }

    /** Rows [from, to) of {@code t} as a tensor of their own, with their sequence lengths. */
    static Tensor rows(Tensor t, int from, int to) {
        int per = t.sampleSize();
        int[] shape = t.shape();
        shape[0] = to - from;
        Tensor r = Tensor.of(Arrays.copyOfRange(t.data(), from * per, to * per), shape);
        return t.lengths() == null ? r : r.withLengths(Arrays.copyOfRange(t.lengths(), from, to));
    }

    /** The parts' rows in order, as one tensor; lengths kept where every part has them. */
    static Tensor concat(Tensor[] parts) {
        int[] shape = parts[0].shape();
        int n = 0;
        int per = parts[0].sampleSize();
        boolean lengths = true;
        for (Tensor p : parts) {
            if (p.sampleSize() != per) {
                throw new IllegalStateException(
                        "replica outputs differ per row: " + Shapes.describe(parts[0].shape()) + " and " + p);
            }
            n += p.dim(0);
            lengths &= p.lengths() != null;
        }
        shape[0] = n;
        float[] data = new float[n * per];
        int[] len = lengths ? new int[n] : null;
        int row = 0;
        for (Tensor p : parts) {
            System.arraycopy(p.data(), 0, data, row * per, p.size());
            if (len != null) {
                System.arraycopy(p.lengths(), 0, len, row, p.dim(0));
            }
            row += p.dim(0);
        }
        Tensor out = Tensor.of(data, shape);
        return len == null ? out : out.withLengths(len);
    }

    private interface Part {
        void run(int index);
    }

    /** Runs parts 1.. on the pool and part 0 here; rethrows the first failure as it was thrown. */
    private void run(int parts, Part body) {
        List<Future<?>> futures = new ArrayList<>(parts - 1);
        for (int i = 1; i < parts; i++) {
            int index = i;
            futures.add(POOL.submit(() -> body.run(index)));
        }
        RuntimeException failure = null;
        try {
            body.run(0);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure =
                            e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while replicas ran", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return master.outputShape(inputShape);
    }

    @Override
    public List<Param> params() {
        return master.params();
    }

    @Override
    public List<Tensor> buffers() {
        return master.buffers();
    }

    @Override
    public List<String> bufferNames() {
        return master.bufferNames();
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return master.forwardMacs(inputShape);
    }

    @Override
    public String describe() {
        return master.describe();
    }
}
