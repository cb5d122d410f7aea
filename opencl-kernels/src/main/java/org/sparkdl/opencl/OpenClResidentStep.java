package org.sparkdl.opencl;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sparkdl.core.loss.ClassLabels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.AdaGrad;
import org.sparkdl.core.optim.Adam;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.RmsProp;
import org.sparkdl.core.optim.Sgd;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.ResidentStep;
import org.sparkdl.core.train.Trainer;

/**
 * A {@link Trainer}'s step kept on the OpenCL device ({@link ResidentProgram} says where things
 * live). A step uploads the mini-batch's features and labels (one array) and downloads {@link
 * DeviceKernel#RESULT_SIZE} floats; the round's state goes up in {@link #upload} and comes back in
 * {@link #download}, as one block each way.
 *
 * <p>The arena is one Java array bound to one kernel field for the whole fit, so Aparapi keeps one
 * device buffer for it. Aparapi recreates a buffer from the host array, silently, when the garbage
 * collector has moved the array: the device's copy would then be the host's stale one. The arena
 * is therefore allocated large enough to be a humongous object, which G1 does not move; and should
 * it move anyway, the step notices: the arena holds a token word that only the device writes, and
 * every step's last launch checks it. A step that finds it gone starts again from the state of
 * the last {@link #upload} or {@link #download} (the host's copy) and redoes the steps since, with
 * the same batches, to the same result.
 */
final class OpenClResidentStep implements ResidentStep {
    /** Redone rounds in a row before giving up on a device that keeps losing the arena. */
    private static final int MOST_RECOVERIES = 3;

    /**
     * Steps kept to redo after a loss before the state is brought to the host anyway: bounds the
     * host memory the kept batches take when rounds are long (an engine's round is shorter: its
     * averaging brings the state back every {@code averagingFrequency} steps).
     */
    private static final int MOST_KEPT_STEPS = 64;

    private final OpenClKernels kernels;
    private final DeviceKernel dev;
    private final ResidentOps ops;
    private final ResidentProgram program;
    private final Sequential model;
    private final Optimizer optimizer;
    private final float[] arena;
    private final int[] intArena;
    private final float[] staging;
    private final float[] result = new float[DeviceKernel.RESULT_SIZE];
    /** Upload arrays by row count: a step uploads exactly its batch. */
    private final Map<Integer, float[]> batches = new HashMap<>();
    /** A step as run: its batch (features, then labels) and its dropout layers' mask keys. */
    private record Done(float[] batch, int rows, boolean lengths, int longest, long[] keys, boolean fromCarried) {}

    /** The steps since the state was last on the host, to redo after a loss. */
    private final List<Done> sinceHost = new ArrayList<>();

    private final double clipNorm;

    private long steps;
    private int lastCorrect;
    /** Truncated BPTT: steps start from the previous step's final state (on the device). */
    private boolean carrying;
    /** Rows of the state the recurrent layers carry on the device; 0: none. */
    private int carriedRows;

    private float token;
    private long uploadedBytes;
    private long downloadedBytes;
    private long recoveries;
    /** Test seam: the next step finds the arena replaced by a stale host copy, as after a lost buffer. */
    boolean loseArenaBeforeNextStep;

    OpenClResidentStep(OpenClKernels kernels, Trainer trainer, int maxBatch) {
        this.kernels = kernels;
        this.dev = kernels.deviceKernel();
        this.ops = new ResidentOps(kernels);
        this.program = new ResidentProgram(trainer, maxBatch, kernels);
        ops.scratchFloats(program.scratchFloats);
        this.model = trainer.model();
        this.optimizer = trainer.optimizer();
        this.clipNorm = trainer.clipNorm();
        checkFits(program, kernels);
        this.arena = new float[Math.max(program.floats, humongousFloats())];
        this.intArena = new int[program.ints];
        this.staging = new float[program.stateSize];
    }

    /**
     * Binds this step's arrays to the kernel's fields and starts addressing the arena. Bound
     * arrays stay on the device; had another step bound its own since, the device holds the host
     * copies now, which the guard word tells.
     */
    private void begin() {
        dev.mem = arena;
        dev.imem = intArena;
        dev.staging = staging;
        dev.result = result;
        ops.begin();
    }

    /** Refuses a model whose arena the device cannot hold, naming the sizes. */
    private static void checkFits(ResidentProgram p, OpenClKernels kernels) {
        long global = kernels.device().getGlobalMemSize();
        long largest = kernels.device().getMaxMemAllocSize();
        long arena = 4L * p.floats;
        if (arena > largest || p.arenaBytes() > global) {
            throw new IllegalArgumentException(String.format(
                    "the resident training step needs %s on %s (state %s, gradients %s, activations and scratch %s at"
                            + " batch %d) but the device allows %s per buffer and has %s in all; lower batchSize or"
                            + " use backend=cpu",
                    mb(p.arenaBytes()),
                    kernels.deviceName(),
                    mb(4L * p.stateSize),
                    mb(4L * p.gradientCount),
                    mb(4L * (p.activationFloats + p.scratchFloats)),
                    p.maxBatch,
                    mb(largest),
                    mb(global)));
        }
    }

    /** G1's largest heap region: half of it makes any array humongous, whatever the heap. */
    private static final long LARGEST_G1_REGION = 32L << 20;

    /**
     * Floats that make an array humongous under G1 (at least half a heap region), which the
     * collector never moves; 0 under another collector. Where the JVM cannot say (a runtime
     * without the {@code jdk.management} module), enough for G1's largest region.
     */
    private static int humongousFloats() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            if (!Boolean.parseBoolean(bean.getVMOption("UseG1GC").getValue())) {
                return 0;
            }
            long region = Long.parseLong(bean.getVMOption("G1HeapRegionSize").getValue());
            return (int) (region / 2 / 4 + 1);
        } catch (RuntimeException | LinkageError e) {
            return (int) (LARGEST_G1_REGION / 2 / 4 + 1);
        }
    }

    @Override
    public void upload() {
        System.arraycopy(model.state(), 0, staging, 0, program.modelStateSize);
        System.arraycopy(
                optimizer.state(), 0, staging, program.modelStateSize, staging.length - program.modelStateSize);
        steps = optimizer.steps();
        sinceHost.clear();
        synchronized (dev) {
            try {
                begin();
                dev.put(staging);
                uploadedBytes += 4L * staging.length;
                ops.copy(DeviceKernel.KIND_STAGING, 0, DeviceKernel.KIND_MEM, 0, staging.length);
                token = token % (1 << 22) + 1; // exact in a float, never the 0 of a fresh host array
                ops.setGuard(program.guard, token);
            } finally {
                ops.end();
            }
        }
    }

    @Override
    public void download() {
        synchronized (dev) {
            try {
                begin();
                ops.copy(DeviceKernel.KIND_MEM, 0, DeviceKernel.KIND_STAGING, 0, staging.length);
                dev.get(staging);
                downloadedBytes += 4L * staging.length;
            } finally {
                ops.end();
            }
        }
        staging[program.modelStateSize] = steps; // the device does not count steps: the host does
        model.loadState(staging, 0);
        optimizer.loadState(staging, program.modelStateSize);
        sinceHost.clear();
    }

    @Override
    public float step(Tensor x, Tensor target) {
        int n = x.dim(0);
        int scored = n * program.rowsPerSample;
        if (n > program.maxBatch) {
            throw new IllegalArgumentException(
                    "a batch of " + n + " rows is larger than the " + program.maxBatch + " this step was laid out for");
        }
        if (x.size() != n * program.inputSize || target.size() != scored) {
            throw new IllegalArgumentException("expected " + n + " rows of " + program.inputSize + " features and "
                    + scored + " labels, got " + x.size() + " values and " + target.size() + " labels");
        }
        int[] lengths = program.lengths >= 0 ? x.lengths() : null;
        if (program.rowsPerSample > 1) {
            Trainer.refusePadding(lengths);
        }
        ClassLabels.check(target.data(), scored, program.classes);
        if (program.embedding != null) {
            program.embedding.checkIds(x);
        }
        boolean fromCarried = carrying && carriedRows != 0;
        if (fromCarried && carriedRows != n) {
            throw new IllegalStateException("the recurrent layers carry the state of a batch of " + carriedRows
                    + " sequences but get " + n + "; call resetState() between batches of sequences");
        }
        int steps = program.lengths >= 0 ? x.dim(1) : 0;
        // features, labels and (for sequences that have them) lengths: one upload
        int labelsAt = n * program.inputSize;
        int lengthsAt = labelsAt + scored;
        float[] batch = batches.computeIfAbsent(
                lengths != null ? -n : n, k -> new float[lengthsAt + (lengths != null ? n : 0)]);
        System.arraycopy(x.data(), 0, batch, 0, labelsAt);
        System.arraycopy(target.data(), 0, batch, labelsAt, scored);
        int longest = steps;
        if (lengths != null) {
            longest = 0;
            for (int i = 0; i < n; i++) {
                batch[lengthsAt + i] = lengths[i];
                longest = Math.max(longest, lengths[i]);
            }
        }
        long[] keys = new long[program.dropouts.size()];
        for (int d = 0; d < keys.length; d++) {
            keys[d] = program.dropouts.get(d).nextKey();
        }
        Done done = new Done(batch.clone(), n, lengths != null, longest, keys, fromCarried);
        if (sinceHost.size() >= MOST_KEPT_STEPS && !fromCarried) {
            download(); // the host's copy becomes the state to redo from, and the kept steps go
        }
        sinceHost.add(done);
        synchronized (dev) {
            try {
                begin();
                if (loseArenaBeforeNextStep) {
                    loseArenaBeforeNextStep = false;
                    loseArena();
                }
                run(done);
                for (int attempt = 0; result[2] != 0f; attempt++) {
                    if (attempt == MOST_RECOVERIES) {
                        throw new IllegalStateException("the device lost the training step's memory " + MOST_RECOVERIES
                                + " times in a row on " + kernels.deviceName());
                    }
                    recoveries++;
                    redoSinceHost();
                }
            } finally {
                ops.end();
            }
        }
        carriedRows = carrying ? n : 0;
        lastCorrect = Math.round(result[1]);
        return result[0] / scored;
    }

    @Override
    public void setCarryState(boolean carry) {
        carrying = carry;
        if (!carry) {
            carriedRows = 0;
        }
    }

    @Override
    public void resetState() {
        carriedRows = 0;
    }

    /** Starts again from the host's state and redoes every step since with its batch. */
    private void redoSinceHost() {
        long hostSteps = optimizer.steps();
        List<Done> redo = List.copyOf(sinceHost);
        if (!redo.isEmpty() && redo.get(0).fromCarried()) {
            // the state it carried in lived in the lost memory only
            throw new IllegalStateException("the device lost the training step's memory in the middle of a carried"
                    + " sequence (truncated BPTT) on " + kernels.deviceName() + ": it cannot be redone");
        }
        ops.end();
        upload();
        begin();
        sinceHost.addAll(redo);
        steps = hostSteps;
        for (Done d : redo) {
            run(d);
        }
    }

    /** One step on the device: batch up, forward, loss, backward, (clip,) update, result down. */
    private void run(Done done) {
        float[] batch = done.batch();
        int n = done.rows();
        int scored = n * program.rowsPerSample;
        for (int d = 0; d < done.keys().length; d++) {
            program.dropouts.get(d).useKey(done.keys()[d]);
        }
        for (ResidentLayer.Recurrent r : program.recurrents) {
            r.startFrom(done.fromCarried());
        }
        steps++;
        dev.batchIn = batch;
        dev.put(batch);
        uploadedBytes += 4L * batch.length;
        int labelsAt = n * program.inputSize;
        ops.copy(DeviceKernel.KIND_BATCH, 0, DeviceKernel.KIND_MEM, program.input, labelsAt);
        ops.copy(DeviceKernel.KIND_BATCH, labelsAt, DeviceKernel.KIND_MEM, program.labels, scored);
        if (done.lengths()) {
            ops.copy(DeviceKernel.KIND_BATCH, labelsAt + scored, DeviceKernel.KIND_MEM, program.lengths, n);
        }
        ops.sequences(done.lengths() ? program.lengths : -1, done.longest());
        ops.fill(program.gradients, program.gradientCount, 0f);
        for (ResidentLayer l : program.layers) {
            l.forward(ops, n);
        }
        if (program.hinge) {
            ops.multiclassHinge(
                    program.logits, program.labels, scored, program.classes, program.dLogits, program.lossRows);
        } else {
            ops.softmaxCrossEntropy(
                    program.logits, program.labels, scored, program.classes, program.dLogits, program.lossRows);
        }
        for (int i = program.layers.size() - 1; i >= 0; i--) {
            program.layers.get(i).backward(ops, n);
        }
        if (clipNorm > 0) {
            ops.clipGlobalNorm(
                    program.gradients,
                    program.gradientCount,
                    (float) clipNorm,
                    program.clipPartials,
                    program.clipGroups,
                    program.clipFactor);
        }
        update();
        ops.stepResult(program.lossRows, scored);
        dev.get(result);
        downloadedBytes += 4L * result.length;
    }

    /** The optimizer's update of every parameter, with the constants the CPU optimizer uses at this step. */
    private void update() {
        float lr = (float) optimizer.learningRate();
        DeviceKernel c = ops.constants();
        int op;
        if (optimizer instanceof Adam adam) {
            op = DeviceKernel.OP_ADAM;
            double bc1 = 1 - Math.pow(adam.beta1(), steps);
            double bc2 = 1 - Math.pow(adam.beta2(), steps);
            c.beta1 = adam.beta1();
            c.oneMinusBeta1 = 1 - adam.beta1();
            c.beta2 = adam.beta2();
            c.oneMinusBeta2 = 1 - adam.beta2();
            c.stepSize = (float) (lr / bc1);
            c.sqrtBc2 = (float) Math.sqrt(bc2);
            c.eps = adam.eps();
        } else if (optimizer instanceof Sgd sgd) {
            op = DeviceKernel.OP_SGD;
            c.stepSize = lr;
            c.momentum = sgd.momentum();
            c.nesterov = sgd.nesterov() ? 1 : 0;
        } else if (optimizer instanceof AdaGrad adaGrad) {
            op = DeviceKernel.OP_ADAGRAD;
            c.stepSize = lr;
            c.eps = adaGrad.eps();
        } else {
            RmsProp rmsProp = (RmsProp) optimizer;
            op = DeviceKernel.OP_RMSPROP;
            c.stepSize = lr;
            c.eps = rmsProp.eps();
            c.decayRate = rmsProp.alpha();
        }
        boolean plain = optimizer.l1() == 0
                && optimizer.l2() == 0
                && !(optimizer instanceof Adam adamW && adamW.decoupledDecay() != 0);
        // without penalties or decay, decayed and other parameters update alike: one launch a run
        for (ResidentProgram.Update u : plain ? program.mergedUpdates : program.updates) {
            boolean penalised = u.decayed();
            c.l1 = penalised ? (float) optimizer.l1() : 0f;
            c.l2 = penalised ? (float) optimizer.l2() : 0f;
            c.decay = optimizer instanceof Adam adam && adam.decoupledDecay() != 0 && penalised
                    ? 1 - lr * adam.decoupledDecay()
                    : 1f;
            ops.update(op, u.value(), u.gradient(), u.slot0(), u.slot1(), u.count());
        }
    }

    /**
     * What a lost buffer does: the device's arena becomes the host array's contents, which were
     * never brought back (here: garbage, and no token).
     */
    private void loseArena() {
        java.util.Arrays.fill(arena, Float.NaN);
        arena[program.guard] = 0f;
        dev.put(arena);
    }

    @Override
    public int lastCorrect() {
        return lastCorrect;
    }

    @Override
    public long uploadedBytes() {
        return uploadedBytes;
    }

    @Override
    public long downloadedBytes() {
        return downloadedBytes;
    }

    @Override
    public long deviceBytes() {
        return 4L * arena.length
                + 4L * intArena.length
                + 4L * staging.length
                + 4L * result.length
                + 4L * program.maxBatch * (program.inputSize + program.rowsPerSample + 1);
    }

    @Override
    public long recoveries() {
        return recoveries;
    }

    @Override
    public String describe() {
        return String.format(
                "%s: %d layers, batch up to %d; %s on the device (state %s, gradients %s, activations and scratch %s)",
                kernels.deviceName(),
                program.layers.size(),
                program.maxBatch,
                mb(deviceBytes()),
                mb(4L * program.stateSize),
                mb(4L * program.gradientCount),
                mb(4L * (program.activationFloats + program.scratchFloats)));
    }

    private static String mb(long bytes) {
        return String.format("%.2f MB", bytes / 1e6);
    }
}
