package org.sparkdl.opencl;

import com.aparapi.ProfileInfo;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.Heaviside;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.kernels.MaxPoolOutput;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.kernels.SizeChecks;
import org.sparkdl.core.train.ResidentBackend;
import org.sparkdl.core.train.ResidentStep;
import org.sparkdl.core.train.Trainer;

/**
 * {@link Kernels} on an OpenCL device through Aparapi. All operations are one kernel class
 * ({@link DeviceKernel}), compiled once per instance (one instance per model replica) and pinned
 * to the device. Buffers are explicit: each call copies each input to the device once, even when
 * several launches read it, and each output back once; an output the device writes whole is not
 * uploaded first. A convolution's output and its gradient stay on the device when a max pooling
 * follows ({@link #convMaxPoolForward}, {@link #convMaxPoolBackward}): what a launch hands to the
 * next is guarded by a token word, and a call whose hand-over was lost (Aparapi silently recreates
 * a buffer from the host array when the garbage collector has moved it) is redone through the
 * host, counted by {@link #handOverRetries()}.
 *
 * <p>Never a silent fall-back: Aparapi runs a kernel it cannot compile in a Java thread pool (where
 * a barrier kernel takes minutes), so every kernel is compiled up front and every launch is
 * checked to have run on OpenCL; otherwise this throws. Sizes are checked before every launch:
 * an out-of-bounds access on the device can crash the JVM.
 */
public final class OpenClKernels implements Kernels, ResidentBackend {
    private final OpenCLDevice device;
    private final String deviceName;
    private final DeviceKernel dev = new DeviceKernel();
    /** Aparapi's own switch: collect OpenCL event times for {@link #kernelNanos()}. */
    private static final boolean PROFILING = Boolean.getBoolean("com.aparapi.enableProfiling");

    /**
     * Switch to compare: with {@code -Dsparkdl.opencl.handOver=false} a convolution and its max
     * pooling run as two calls' worth of launches, the convolution's output going down and back up.
     */
    private static final boolean HAND_OVER = !"false".equals(System.getProperty("sparkdl.opencl.handOver"));

    /**
     * Switch to compare: with {@code -Dsparkdl.opencl.resident=false} training steps run through
     * the per-call kernels even where they could stay on the device (read at each model's start).
     */
    static final String RESIDENT_SWITCH = "sparkdl.opencl.resident";

    /** Tuning switch: register-tiled work-groups read the next slices while multiplying. */
    private static final boolean PREFETCH = !"false".equals(System.getProperty("sparkdl.opencl.prefetch"));

    private final GemmShape gemmShape;
    private final int minWorkGroups;
    private float[] partialSums = new float[1];
    /** dy masked by a fused ReLU's output (grows, never shrinks). */
    private float[] maskedDy = new float[0];
    /**
     * What one launch hands to the next on the device (a convolution's output, the pooling's input
     * gradient), plus the guard word; never copied either way (grows, never shrinks).
     */
    private float[] handOver = new float[1];

    /** dw and dbias as they were before a call that may have to be redone (grows, never shrinks). */
    private float[] savedGradients = new float[0];

    private int tokens;
    /** Test seam: readers expect a token the writer did not store, as after a lost hand-over. */
    boolean loseNextHandOver;

    private long launches;
    private long launchNanos;
    private long kernelNanos;
    private long uploadedBytes;
    private long downloadedBytes;
    private long handOverRetries;

    /** How products are laid out on work-groups; {@link #AUTO} except to compare or test the others. */
    public enum GemmShape {
        /** Register-tiled where C is at least 32×32 or k at least 4096, simple otherwise. */
        AUTO,
        /** Always one output per work-item from 16×16 tiles. */
        SIMPLE,
        /** Always 8×8 outputs per work-item, 128×128 per work-group. */
        REGISTER_TILED
    }

    /** Kernels on the first GPU, else the first CPU OpenCL device; throws if there is none. */
    public OpenClKernels() {
        this(GemmShape.AUTO, 0);
    }

    /**
     * Kernels with a chosen GEMM shape; k is split across work-groups whenever a register-tiled
     * product would otherwise give fewer than {@code minWorkGroups} of them (0: twice the device's
     * compute units, enough to occupy it).
     */
    public OpenClKernels(GemmShape gemmShape, int minWorkGroups) {
        this(OpenClDevices.find(), gemmShape, minWorkGroups);
    }

    private OpenClKernels(OpenClDevices.Found found, GemmShape gemmShape, int minWorkGroups) {
        if (found.device() == null) {
            throw new IllegalStateException("backend 'opencl' cannot run here: " + found.problem());
        }
        this.device = found.device();
        this.deviceName = found.describe();
        this.gemmShape = gemmShape;
        this.minWorkGroups = minWorkGroups > 0 ? minWorkGroups : 2 * Math.max(1, device.getMaxComputeUnits());
        synchronized (OpenClDevices.class) { // compiling is not safe from two threads at once either
            compileAll();
        }
    }

    private void compileAll() {
        dev.setExplicit(true);
        KernelManager.instance().setPreferredDevices(dev, new LinkedHashSet<Device>(List.of(device)));
        try {
            dev.compile(device);
        } catch (CompileFailedException e) {
            throw new IllegalStateException(
                    "the OpenCL kernels do not compile on " + deviceName + ": " + e.getMessage(), e);
        }
    }

    public String deviceName() {
        return deviceName;
    }

    /** Kernel launches so far, all of which ran on OpenCL (otherwise they would have thrown). */
    public long launches() {
        return launches;
    }

    /** Bytes copied to the device so far (Aparapi copies whole arrays). */
    public long uploadedBytes() {
        return uploadedBytes;
    }

    /** Bytes copied back from the device so far. */
    public long downloadedBytes() {
        return downloadedBytes;
    }

    /**
     * Calls whose on-device hand-over was found lost and that were redone through the host; 0 in
     * a healthy run.
     */
    public long handOverRetries() {
        return handOverRetries;
    }

    /**
     * Wall time spent in kernel launches so far. Aparapi copies what {@code put} marked at the next
     * launch, so this includes the uploads of each call's inputs, not the downloads of its results.
     */
    public long launchNanos() {
        return launchNanos;
    }

    /**
     * Time the device spent executing kernels so far, from OpenCL's event timestamps, without any
     * copies; only counted when Aparapi profiling is on ({@code -Dcom.aparapi.enableProfiling=true}),
     * else 0.
     */
    public long kernelNanos() {
        return kernelNanos;
    }

    @Override
    public String name() {
        return "opencl(" + deviceName + ")";
    }

    @Override
    public String whyNotResident(Trainer trainer) {
        return "false".equals(System.getProperty(RESIDENT_SWITCH))
                ? "turned off by -D" + RESIDENT_SWITCH + "=false"
                : ResidentProgram.whyNot(trainer);
    }

    @Override
    public ResidentStep residentStep(Trainer trainer, int maxBatch) {
        return new OpenClResidentStep(this, trainer, maxBatch);
    }

    /** The implicit-GEMM convolutions need no im2col scratch. */
    @Override
    public long convScratchSize(ConvGeometry g) {
        return 0;
    }

    @Override
    public void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOffset,
            float[] b,
            int bOffset,
            float beta,
            float[] c,
            int cOffset) {
        SizeChecks.gemm(m, n, k, a, aOffset, b, bOffset, c, cOffset);
        if (m == 0 || n == 0) {
            return;
        }
        DeviceKernel g = dev;
        g.op = DeviceKernel.OP_GEMM;
        g.operandA(a, aOffset, transA, DeviceKernel.A_PLAIN);
        // One array as both operands (A·Aᵀ) would be two fields sharing one pending upload, which
        // Aparapi gives to only one of them: B gets its own copy.
        g.operandB(b == a ? b.clone() : b, bOffset, transB, DeviceKernel.B_PLAIN);
        g.result(c, cOffset, DeviceKernel.C_PLAIN, alpha, beta, null);
        g.shape(m, n, k, null);
        upload(a);
        upload(g.b);
        // C goes up when the product reads it or does not write all of it (C comes back whole)
        runGemm(beta != 0f || cOffset != 0 || c.length != m * n, true);
    }

    @Override
    public void convForward(
            ConvGeometry geo, float[] x, float[] w, float[] bias, boolean relu, float[] y, float[] columns) {
        SizeChecks.conv(geo, x, w, y);
        convOutput(geo, x, w, bias, relu, y);
        runGemm(y.length != geo.outputSize(), true);
    }

    /**
     * Sets up y[F, N·P] = w[F, C·KH·KW] · im2col(x), written straight into NCHW with the bias (and
     * the fused ReLU) on the device, and uploads its inputs.
     */
    private void convOutput(ConvGeometry geo, float[] x, float[] w, float[] bias, boolean relu, float[] y) {
        float[] b = bias != null ? bias : new float[geo.outChannels()];
        SizeChecks.atLeast("convolution bias", b, geo.outChannels());
        DeviceKernel g = dev;
        g.op = DeviceKernel.OP_GEMM;
        g.operandA(w, 0, false, DeviceKernel.A_PLAIN);
        g.operandB(x, 0, false, DeviceKernel.B_IM2COL);
        g.result(y, 0, relu ? DeviceKernel.C_CONV_OUT_RELU : DeviceKernel.C_CONV_OUT, 1f, 0f, b);
        g.shape(geo.outChannels(), geo.columns(), geo.patchSize(), geo);
        upload(w);
        upload(x);
        upload(b);
    }

    @Override
    public void convBackward(
            ConvGeometry geo,
            float[] x,
            float[] w,
            float[] rectifiedY,
            float[] dy,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        SizeChecks.convBackward(geo, x, w, rectifiedY, dy, dw, dbias, dx);
        float[] grad = rectifiedY == null ? dy : masked(dy, rectifiedY, geo.outputSize());
        upload(grad); // once: the three gradients below all read it from the device
        convGradients(geo, x, w, grad, dw, dbias, dx);
    }

    /** The three gradients of a convolution from dy, which is on the device in field a. */
    private void convGradients(
            ConvGeometry geo, float[] x, float[] w, float[] dy, float[] dw, float[] dbias, float[] dx) {
        weightGradient(geo, x, dy, dw);
        if (dbias != null) {
            biasGradient(geo, dbias);
        }
        if (dx != null) {
            inputGradient(geo, w, dx);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the convolution's output never leaves the device: the GEMM writes it to a hand-over
     * array that the pooling reads in the next launch; only the pooled output and argmax come back.
     */
    @Override
    public void convMaxPoolForward(
            ConvGeometry geo,
            float[] x,
            float[] w,
            float[] bias,
            boolean relu,
            float[] convOut,
            float[] columns,
            MaxPoolOutput pool) {
        if (!HAND_OVER) {
            Kernels.super.convMaxPoolForward(geo, x, w, bias, relu, convOut, columns, pool);
            return;
        }
        SizeChecks.conv(geo, x, w, convOut);
        pool.checkFollows(geo);
        int guard = geo.outputSize();
        float[] out = handOver(guard);
        startHandOver(-1, guard); // the GEMM stores the token after the output, the pooling checks it
        try {
            convOutput(geo, x, w, bias, relu, out);
            runGemm(false, false);
            runPool(DeviceKernel.OP_MAX_POOL_FORWARD, pool.geometry(), out, pool.y(), pool.argmax());
            download(pool.y());
            download(pool.argmax());
        } finally {
            endHandOver();
        }
        if (handOverLost()) {
            Kernels.super.convMaxPoolForward(geo, x, w, bias, relu, convOut, columns, pool);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Here the convolution's output gradient never leaves the device: the pooling writes it to
     * a hand-over array that the three gradients read from in the launches after it.
     */
    @Override
    public void convMaxPoolBackward(
            ConvGeometry geo,
            float[] x,
            float[] w,
            boolean relu,
            MaxPoolOutput pool,
            float[] dy,
            float[] dConvOut,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        if (!HAND_OVER) {
            Kernels.super.convMaxPoolBackward(geo, x, w, relu, pool, dy, dConvOut, dw, dbias, dx, columns);
            return;
        }
        SizeChecks.convBackward(geo, x, w, null, dConvOut, dw, dbias, dx);
        pool.checkFollows(geo);
        PoolGeometry pg = pool.geometry();
        SizeChecks.atLeast("pooling output gradient", dy, pg.outputSize());
        // dw and dbias accumulate: keep what they held, to redo the call if the hand-over is lost
        int biasCount = dbias != null ? geo.outChannels() : 0;
        if (savedGradients.length < dw.length + biasCount) {
            savedGradients = new float[dw.length + biasCount];
        }
        System.arraycopy(dw, 0, savedGradients, 0, dw.length);
        if (dbias != null) {
            System.arraycopy(dbias, 0, savedGradients, dw.length, biasCount);
        }
        int guard = geo.outputSize();
        float[] dConv = handOver(guard);
        float[] grad = relu ? masked(dy, pool.y(), pg.outputSize()) : dy;
        startHandOver(guard, -1); // the pooling stores the token after dConv, the gradients check it
        try {
            runPool(DeviceKernel.OP_MAX_POOL_BACKWARD, pg, dConv, grad, pool.argmax());
            convGradients(geo, x, w, dConv, dw, dbias, dx);
        } finally {
            endHandOver();
        }
        if (handOverLost()) {
            System.arraycopy(savedGradients, 0, dw, 0, dw.length);
            if (dbias != null) {
                System.arraycopy(savedGradients, dw.length, dbias, 0, biasCount);
            }
            Kernels.super.convMaxPoolBackward(geo, x, w, relu, pool, dy, dConvOut, dw, dbias, dx, columns);
        }
    }

    /** The hand-over array, with room for {@code size} floats and the guard word after them. */
    private float[] handOver(int size) {
        if (handOver.length < size + 1) {
            handOver = new float[size + 1];
        }
        return handOver;
    }

    /**
     * Starts a call whose launches hand an array over in field a or c: where its guard word lies
     * (-1 for the other field), a fresh token and a cleared status flag on the device. Every
     * launch of the call writes or checks the guard, by its operation ({@link DeviceKernel}).
     */
    private void startHandOver(int aGuard, int cGuard) {
        tokens = tokens % (1 << 22) + 1; // exact in a float, and never the 0 of a fresh host array
        dev.token = tokens;
        dev.aGuard = aGuard;
        dev.cGuard = cGuard;
        dev.status[0] = 0;
        upload(dev.status);
    }

    /** Ends the call {@link #startHandOver} began: no later launch sees its guards. */
    private void endHandOver() {
        dev.aGuard = -1;
        dev.cGuard = -1;
    }

    /** Whether a launch of this call found its hand-over gone, in which case the call is redone. */
    private boolean handOverLost() {
        download(dev.status);
        if (dev.status[0] == 0) {
            return false;
        }
        handOverRetries++;
        return true;
    }

    /** dw[F, C·KH·KW] += dyᵀ[F, N·P] · im2col(x)ᵀ[N·P, C·KH·KW], dy already on the device. */
    private void weightGradient(ConvGeometry geo, float[] x, float[] dy, float[] dw) {
        DeviceKernel g = dev;
        g.op = DeviceKernel.OP_GEMM;
        g.operandA(dy, 0, false, DeviceKernel.A_DY_CHANNEL_MAJOR);
        g.operandB(x, 0, false, DeviceKernel.B_IM2COL_T);
        g.result(dw, 0, DeviceKernel.C_PLAIN, 1f, 1f, null);
        g.shape(geo.outChannels(), geo.patchSize(), geo.columns(), geo);
        upload(x);
        runGemm(true, true);
    }

    /**
     * dy where {@code rectifiedY > 0}, else 0, in a scratch array: the backward of a ReLU fused into
     * the layer, on the host (masking on the device would upload y as well).
     */
    private float[] masked(float[] dy, float[] rectifiedY, int size) {
        SizeChecks.atLeast("rectified output", rectifiedY, size);
        if (maskedDy.length < size) {
            maskedDy = new float[size];
        }
        for (int i = 0; i < size; i++) {
            maskedDy[i] = Heaviside.pass(dy[i], rectifiedY[i]); // exactly as the CPU kernels mask
        }
        return maskedDy;
    }

    /** dbias[f] += Σ dy[n,f,p] (dy in field a, on the device), from per-chunk partial sums. */
    private void biasGradient(ConvGeometry geo, float[] dbias) {
        DeviceKernel k = dev;
        int terms = geo.batch() * geo.outPixels();
        int filters = geo.outChannels();
        // enough work-groups to occupy the device, each summing at least 8 terms per work-item
        int chunks = biasChunks(filters, terms);
        if (k.biasPartial.length < filters * chunks) {
            k.biasPartial = new float[filters * chunks];
        }
        k.op = DeviceKernel.OP_BIAS_GRAD;
        k.batch = geo.batch();
        k.filters = filters;
        k.pixels = geo.outPixels();
        k.chunks = chunks;
        launchBiasGradient(filters, chunks);
        download(k.biasPartial); // written where it is read: no upload
        for (int f = 0; f < filters; f++) {
            float sum = 0f;
            for (int c = 0; c < chunks; c++) {
                sum += k.biasPartial[f * chunks + c];
            }
            dbias[f] += sum;
        }
    }

    /** dx = dy ⋆ᵀ w (dy in field a, on the device), one work-item per input element. */
    private void inputGradient(ConvGeometry geo, float[] w, float[] dx) {
        DeviceKernel k = dev;
        k.op = DeviceKernel.OP_CONV_INPUT_GRAD;
        k.b = w;
        k.c = dx;
        k.shape(0, 0, 0, geo);
        k.total = geo.inputSize();
        upload(w);
        uploadUnlessWrittenWhole(dx, geo.inputSize());
        launch(linear(geo.inputSize()));
        download(dx);
    }

    @Override
    public void maxPoolForward(PoolGeometry geo, float[] x, float[] y, int[] argmax) {
        SizeChecks.atLeast("pooling input", x, geo.inputSize());
        SizeChecks.atLeast("pooling output", y, geo.outputSize());
        SizeChecks.atLeast("pooling argmax", argmax, geo.outputSize());
        upload(x);
        runPool(DeviceKernel.OP_MAX_POOL_FORWARD, geo, x, y, argmax);
        download(y);
        download(argmax);
    }

    @Override
    public void maxPoolBackward(PoolGeometry geo, float[] dy, int[] argmax, float[] rectifiedY, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, geo.inputSize());
        SizeChecks.atLeast("pooling argmax", argmax, geo.outputSize());
        float[] grad = rectifiedY == null ? dy : masked(dy, rectifiedY, geo.outputSize());
        runPool(DeviceKernel.OP_MAX_POOL_BACKWARD, geo, dx, grad, argmax);
        download(dx);
    }

    @Override
    public void avgPoolForward(PoolGeometry geo, float[] x, float[] y) {
        SizeChecks.atLeast("pooling input", x, geo.inputSize());
        SizeChecks.atLeast("pooling output", y, geo.outputSize());
        upload(x);
        runPool(DeviceKernel.OP_AVG_POOL_FORWARD, geo, x, y, null);
        download(y);
    }

    @Override
    public void avgPoolBackward(PoolGeometry geo, float[] dy, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, geo.inputSize());
        runPool(DeviceKernel.OP_AVG_POOL_BACKWARD, geo, dx, dy, null);
        download(dx);
    }

    /**
     * Launches a pooling. Forward: x (field c, already on the device) → y and argmax. Backward: x
     * is dx (field a, written) and y is dy (field y, uploaded here, as argmax is). Outputs are only
     * uploaded where the launch does not write them whole; the caller downloads.
     */
    private void runPool(int op, PoolGeometry geo, float[] x, float[] y, int[] argmax) {
        DeviceKernel k = dev;
        boolean forward = op == DeviceKernel.OP_MAX_POOL_FORWARD || op == DeviceKernel.OP_AVG_POOL_FORWARD;
        boolean max = op == DeviceKernel.OP_MAX_POOL_FORWARD || op == DeviceKernel.OP_MAX_POOL_BACKWARD;
        k.pooling(op, geo);
        if (max) {
            k.argmax = argmax;
        }
        k.y = y;
        if (forward) {
            k.c = x;
            k.total = geo.outputSize();
            uploadUnlessWrittenWhole(y, geo.outputSize());
            if (max) {
                uploadUnlessWrittenWhole(argmax, geo.outputSize());
            }
        } else {
            k.a = x;
            k.total = geo.inputSize();
            upload(y);
            if (max) {
                upload(argmax);
            }
            if (x != handOver) { // the hand-over's rest is only the guard, which the launch writes
                uploadUnlessWrittenWhole(x, geo.inputSize());
            }
        }
        launch(linear(k.total));
    }

    /**
     * Launches the product whose operands are set and on the device. A register-tiled product with
     * too few 128×128 blocks to occupy the device splits k across work-groups, which write partial
     * sums that are added here (only for plain C: a convolution's forward has a short k and never
     * splits; C then never goes up).
     *
     * @param cIsInput C must be on the device before the launch: the product reads it, or leaves
     *     part of it that must come back as it was
     * @param download bring C back (not for an output that stays on the device)
     */
    private void runGemm(boolean cIsInput, boolean download) {
        DeviceKernel g = dev;
        float[] out = g.c;
        int slices = shapeGemm(g.cMode == DeviceKernel.C_PLAIN && download);
        if (slices > 1) {
            long size = (long) slices * g.m * g.n;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("gemm partial sums too large: " + size);
            }
            if (partialSums.length < size) {
                partialSums = new float[(int) size];
            }
            g.c = partialSums; // written where read: no upload
        } else if (cIsInput) {
            upload(out);
        }
        launchGemm(slices);
        if (slices > 1) {
            download(partialSums);
            g.c = out;
            addPartialSums(g, slices, out);
        } else if (download) {
            download(out);
        }
    }

    /** Whether a product of these sizes runs register-tiled ({@link GemmShape}). */
    private boolean tiled(int m, int n, int k) {
        // Small products stay simple, unless a long k needs the register-tiled shape's k split to
        // occupy the device (the first convolution's weight gradient: 32×25 outputs, k = N·H·W:
        // 11 ms simple, 0.36 ms split on an H200).
        return gemmShape == GemmShape.REGISTER_TILED
                || (gemmShape == GemmShape.AUTO && ((m >= 32 && n >= 32) || k >= 4096));
    }

    /**
     * How many k slices a product of these sizes is split into: more than one only for a
     * register-tiled product that may write partial sums and has too few blocks to occupy the device.
     */
    int slices(int m, int n, int k, boolean mayPartial) {
        return tiled(m, n, k) ? ceilDiv(k, kSlice(m, n, k, mayPartial)) : 1;
    }

    /** The k-depth of each slice of a register-tiled product. */
    private int kSlice(int m, int n, int k, boolean mayPartial) {
        int slices = 1;
        int blocks = ceilDiv(n, DeviceKernel.BT) * ceilDiv(m, DeviceKernel.BT);
        if (mayPartial && blocks < minWorkGroups) {
            // each slice keeps at least 16 staging steps, so partial sums stay a small extra cost
            int most = Math.max(1, k / (16 * DeviceKernel.BK));
            slices = Math.min(most, ceilDiv(minWorkGroups, blocks));
        }
        return roundUp(ceilDiv(k, slices), DeviceKernel.BK);
    }

    /** Sets the work-group shape of the product set up on {@link #dev}; returns its k slices. */
    private int shapeGemm(boolean mayPartial) {
        DeviceKernel g = dev;
        int slices = slices(g.m, g.n, g.k, mayPartial);
        if (tiled(g.m, g.n, g.k)) {
            g.registerTiled = 1;
            g.prefetch = PREFETCH ? 1 : 0;
            g.kSlice = kSlice(g.m, g.n, g.k, mayPartial);
        } else {
            g.registerTiled = 0;
            g.kSlice = g.k;
        }
        g.partial = slices > 1 ? 1 : 0;
        return slices;
    }

    private void launchGemm(int slices) {
        DeviceKernel g = dev;
        if (g.registerTiled == 1) {
            int blocksN = ceilDiv(g.n, DeviceKernel.BT);
            int blocksM = ceilDiv(g.m, DeviceKernel.BT);
            launch(Range.create3D(
                    device,
                    blocksN * DeviceKernel.TS,
                    blocksM * DeviceKernel.TS,
                    slices,
                    DeviceKernel.TS,
                    DeviceKernel.TS,
                    1));
        } else {
            launch(Range.create2D(
                    device,
                    roundUp(g.n, DeviceKernel.TS),
                    roundUp(g.m, DeviceKernel.TS),
                    DeviceKernel.TS,
                    DeviceKernel.TS));
        }
    }

    /**
     * The resident step's product, set up on {@link #dev} over the arena: a split k writes its
     * partial sums to the arena at {@code scratch} (room for {@link #slices} · m · n floats), which
     * a second launch adds into C on the device.
     */
    void residentGemm(int scratch, long scratchFloats) {
        DeviceKernel g = dev;
        int slices = shapeGemm(g.cMode == DeviceKernel.C_PLAIN);
        if (slices > 1 && (long) slices * g.m * g.n > scratchFloats) {
            throw new IllegalStateException("a " + g.m + "x" + g.n + "x" + g.k + " product in " + slices
                    + " slices needs more than the " + scratchFloats + " floats of scratch laid out");
        }
        g.partialOffset = scratch;
        launchGemm(slices);
        if (slices > 1) {
            int mn = g.m * g.n;
            g.op = DeviceKernel.OP_SUM_SLICES;
            g.dst = g.cOffset;
            g.src = scratch;
            g.slices = slices;
            g.itemStride = 1;
            g.sliceStride = mn;
            g.total = mn;
            launch(linear(mn)); // alpha and beta are the product's
        }
    }

    /** The bias gradient's partial sums per filter: chunks of N·P terms, enough to occupy the device. */
    int biasChunks(int filters, int terms) {
        return Math.max(1, Math.min(ceilDiv(minWorkGroups, filters), terms / (8 * DeviceKernel.WG)));
    }

    /** The OpenCL device these kernels run on. */
    OpenCLDevice device() {
        return device;
    }

    /** The one kernel instance every launch of these kernels goes through, resident steps' too. */
    DeviceKernel deviceKernel() {
        return dev;
    }

    /** Launches {@link #dev} with one work-item per element of {@code total}. */
    void launchLinear(int total) {
        launch(linear(total));
    }

    /** Launches {@link #dev}'s bias-gradient partial sums for {@code filters} × {@code chunks}. */
    void launchBiasGradient(int filters, int chunks) {
        launch(Range.create2D(device, chunks * DeviceKernel.WG, filters, DeviceKernel.WG, 1));
    }

    /** Launches {@code groups} work-groups of {@link DeviceKernel#WG} items. */
    void launchGroups(int groups) {
        launch(Range.create(device, groups * DeviceKernel.WG, DeviceKernel.WG));
    }

    /** Work-groups for a reduction over {@code terms} values: enough to occupy the device, 8 terms an item at least. */
    int reductionGroups(int terms) {
        return Math.max(1, Math.min(minWorkGroups, terms / (8 * DeviceKernel.WG)));
    }

    /** Launches one work-group of {@link DeviceKernel#WG} items. */
    void launchOneGroup() {
        launch(Range.create(device, DeviceKernel.WG, DeviceKernel.WG));
    }

    /** C = alpha·Σ partials + beta·C, the store of {@link DeviceKernel#C_PLAIN} after a split k. */
    private void addPartialSums(DeviceKernel g, int slices, float[] out) {
        int mn = g.m * g.n;
        for (int i = 0; i < mn; i++) {
            float sum = 0f;
            for (int s = 0; s < slices; s++) {
                sum += partialSums[s * mn + i];
            }
            int o = g.cOffset + i;
            out[o] = g.beta == 0f ? g.alpha * sum : g.alpha * sum + g.beta * out[o];
        }
    }

    private void upload(float[] array) {
        dev.put(array);
        uploadedBytes += 4L * array.length;
    }

    private void upload(int[] array) {
        dev.put(array);
        uploadedBytes += 4L * array.length;
    }

    /**
     * An output comes back whole: where the launch writes only its first {@code written} elements,
     * the rest must be on the device as the host has it.
     */
    private void uploadUnlessWrittenWhole(float[] array, int written) {
        if (array.length != written) {
            upload(array);
        }
    }

    private void uploadUnlessWrittenWhole(int[] array, int written) {
        if (array.length != written) {
            upload(array);
        }
    }

    private void download(float[] array) {
        dev.get(array);
        downloadedBytes += 4L * array.length;
    }

    private void download(int[] array) {
        dev.get(array);
        downloadedBytes += 4L * array.length;
    }

    private Range linear(int total) {
        return Range.create(device, roundUp(Math.max(total, 1), DeviceKernel.WG), DeviceKernel.WG);
    }

    /** Launches {@link #dev} as set up. */
    private void launch(Range range) {
        float token = dev.token;
        if (loseNextHandOver && dev.readsHandOver()) {
            loseNextHandOver = false;
            dev.token = -token; // this reader expects another token than the one stored
        }
        long t0 = System.nanoTime();
        try {
            dev.execute(range);
        } finally {
            dev.token = token;
        }
        launchNanos += System.nanoTime() - t0;
        if (PROFILING) {
            for (ProfileInfo info : dev.getProfileInfo()) {
                Object type = info.getType();
                if ("X".equals(String.valueOf(type))) { // an execution, not a read or write
                    kernelNanos += info.getEnd() - info.getStart();
                }
            }
        }
        if (!dev.isRunningCL()) {
            throw new IllegalStateException("the OpenCL kernels did not run on OpenCL (" + dev.getExecutionMode()
                    + "); refusing a silent Java fall-back");
        }
        launches++;
    }

    private static int ceilDiv(int v, int d) {
        return (v + d - 1) / d;
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
