package org.sparkdl.opencl;

import com.aparapi.Kernel;
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
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.kernels.SizeChecks;

/**
 * {@link Kernels} on an OpenCL device through Aparapi. Each kernel is compiled once per instance
 * (one instance per model replica) and pinned to the device; buffers are explicit, so each call
 * copies its inputs to the device once and its outputs back once.
 *
 * <p>Never a silent fall-back: Aparapi runs a kernel it cannot compile in a Java thread pool (where
 * a barrier kernel takes minutes), so every kernel is compiled up front and every launch is
 * checked to have run on OpenCL; otherwise this throws. Sizes are checked before every launch:
 * an out-of-bounds access on the device can crash the JVM.
 */
public final class OpenClKernels implements Kernels {
    private final OpenCLDevice device;
    private final String deviceName;
    private final GemmKernel gemm = new GemmKernel();
    private final ConvInputGradKernel convInput = new ConvInputGradKernel();
    private final BiasGradKernel biasGrad = new BiasGradKernel();
    private final PoolKernel pool = new PoolKernel();
    /** Aparapi's own switch: collect OpenCL event times for {@link #kernelNanos()}. */
    private static final boolean PROFILING = Boolean.getBoolean("com.aparapi.enableProfiling");

    /** Tuning switch: register-tiled work-groups read the next slices while multiplying. */
    private static final boolean PREFETCH = !"false".equals(System.getProperty("sparkdl.opencl.prefetch"));

    private final GemmShape gemmShape;
    private final int minWorkGroups;
    private float[] partialSums = new float[1];
    /** dy masked by a fused ReLU's output (grows, never shrinks). */
    private float[] maskedDy = new float[0];

    private long launches;
    private long launchNanos;
    private long kernelNanos;

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
        for (Kernel k : List.<Kernel>of(gemm, convInput, biasGrad, pool)) {
            k.setExplicit(true);
            KernelManager.instance().setPreferredDevices(k, new LinkedHashSet<Device>(List.of(device)));
            try {
                k.compile(device);
            } catch (CompileFailedException e) {
                throw new IllegalStateException(
                        "OpenCL kernel " + k.getClass().getSimpleName() + " does not compile on " + deviceName + ": "
                                + e.getMessage(),
                        e);
            }
        }
    }

    public String deviceName() {
        return deviceName;
    }

    /** Kernel launches so far, all of which ran on OpenCL (otherwise they would have thrown). */
    public long launches() {
        return launches;
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
        GemmKernel g = gemm;
        g.operandA(a, aOffset, transA, GemmKernel.A_PLAIN);
        g.operandB(b, bOffset, transB, GemmKernel.B_PLAIN);
        g.result(c, cOffset, GemmKernel.C_PLAIN, alpha, beta, null);
        g.shape(m, n, k, null);
        g.put(a).put(b);
        runGemm(g);
    }

    @Override
    public void convForward(
            ConvGeometry geo, float[] x, float[] w, float[] bias, boolean relu, float[] y, float[] columns) {
        SizeChecks.atLeast("convolution input", x, geo.inputSize());
        SizeChecks.atLeast("convolution weights", w, geo.weightSize());
        SizeChecks.atLeast("convolution output", y, geo.outputSize());
        float[] b = bias != null ? bias : new float[geo.outChannels()];
        SizeChecks.atLeast("convolution bias", b, geo.outChannels());
        GemmKernel g = gemm;
        // y[F, N·P] = w[F, C·KH·KW] · im2col(x), written straight into NCHW with the bias (and the
        // fused ReLU) on the device.
        g.operandA(w, 0, false, GemmKernel.A_PLAIN);
        g.operandB(x, 0, false, GemmKernel.B_IM2COL);
        g.result(y, 0, relu ? GemmKernel.C_CONV_OUT_RELU : GemmKernel.C_CONV_OUT, 1f, 0f, b);
        g.shape(geo.outChannels(), geo.columns(), geo.patchSize(), geo);
        g.put(w).put(x).put(b);
        runGemm(g);
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
        weightGradient(geo, x, grad, dw);
        if (dbias != null) {
            biasGradient(geo, grad, dbias);
        }
        if (dx != null) {
            inputGradient(geo, grad, w, dx);
        }
    }

    /** dw[F, C·KH·KW] += dyᵀ[F, N·P] · im2col(x)ᵀ[N·P, C·KH·KW] */
    private void weightGradient(ConvGeometry geo, float[] x, float[] dy, float[] dw) {
        GemmKernel g = gemm;
        g.operandA(dy, 0, false, GemmKernel.A_DY_CHANNEL_MAJOR);
        g.operandB(x, 0, false, GemmKernel.B_IM2COL_T);
        g.result(dw, 0, GemmKernel.C_PLAIN, 1f, 1f, null);
        g.shape(geo.outChannels(), geo.patchSize(), geo.columns(), geo);
        g.put(dy).put(x);
        runGemm(g);
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

    /** dbias[f] += Σ dy[n,f,p], from per-chunk partial sums computed on the device. */
    private void biasGradient(ConvGeometry geo, float[] dy, float[] dbias) {
        BiasGradKernel bk = biasGrad;
        int terms = geo.batch() * geo.outPixels();
        int filters = geo.outChannels();
        // enough work-groups to occupy the device, each summing at least 8 terms per work-item
        int chunks = Math.max(1, Math.min(ceilDiv(minWorkGroups, filters), terms / (8 * BiasGradKernel.WG)));
        if (bk.partial.length < filters * chunks) {
            bk.partial = new float[filters * chunks];
        }
        bk.dy = dy;
        bk.batch = geo.batch();
        bk.filters = filters;
        bk.pixels = geo.outPixels();
        bk.chunks = chunks;
        bk.put(dy).put(bk.partial);
        launch(bk, Range.create2D(device, chunks * BiasGradKernel.WG, filters, BiasGradKernel.WG, 1));
        bk.get(bk.partial);
        for (int f = 0; f < filters; f++) {
            float sum = 0f;
            for (int c = 0; c < chunks; c++) {
                sum += bk.partial[f * chunks + c];
            }
            dbias[f] += sum;
        }
    }

    /** dx = dy ⋆ᵀ w, one work-item per input element. */
    private void inputGradient(ConvGeometry geo, float[] dy, float[] w, float[] dx) {
        ConvInputGradKernel k = convInput;
        k.dy = dy;
        k.w = w;
        k.dx = dx;
        k.inChannels = geo.inChannels();
        k.height = geo.height();
        k.width = geo.width();
        k.filters = geo.outChannels();
        k.kernelH = geo.kernelH();
        k.kernelW = geo.kernelW();
        k.stride = geo.stride();
        k.pad = geo.pad();
        k.outH = geo.outH();
        k.outW = geo.outW();
        k.total = geo.inputSize();
        k.put(dy).put(w).put(dx);
        launch(k, linear(geo.inputSize()));
        k.get(dx);
    }

    @Override
    public void maxPoolForward(PoolGeometry geo, float[] x, float[] y, int[] argmax) {
        SizeChecks.atLeast("pooling input", x, geo.inputSize());
        SizeChecks.atLeast("pooling output", y, geo.outputSize());
        SizeChecks.atLeast("pooling argmax", argmax, geo.outputSize());
        runPool(PoolKernel.MAX_FORWARD, geo, x, y, argmax, geo.outputSize());
        pool.get(y).get(argmax);
    }

    @Override
    public void maxPoolBackward(PoolGeometry geo, float[] dy, int[] argmax, float[] rectifiedY, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, geo.inputSize());
        SizeChecks.atLeast("pooling argmax", argmax, geo.outputSize());
        float[] grad = rectifiedY == null ? dy : masked(dy, rectifiedY, geo.outputSize());
        runPool(PoolKernel.MAX_BACKWARD, geo, dx, grad, argmax, geo.inputSize());
        pool.get(dx);
    }

    @Override
    public void avgPoolForward(PoolGeometry geo, float[] x, float[] y) {
        SizeChecks.atLeast("pooling input", x, geo.inputSize());
        SizeChecks.atLeast("pooling output", y, geo.outputSize());
        runPool(PoolKernel.AVG_FORWARD, geo, x, y, new int[1], geo.outputSize());
        pool.get(y);
    }

    @Override
    public void avgPoolBackward(PoolGeometry geo, float[] dy, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, geo.inputSize());
        runPool(PoolKernel.AVG_BACKWARD, geo, dx, dy, new int[1], geo.inputSize());
        pool.get(dx);
    }

    /** x and y are the kernel's fields: for backward ops x is dx and y is dy. */
    private void runPool(int op, PoolGeometry geo, float[] x, float[] y, int[] argmax, int total) {
        PoolKernel k = pool;
        k.op = op;
        k.x = x;
        k.y = y;
        k.argmax = argmax;
        k.height = geo.height();
        k.width = geo.width();
        k.window = geo.kernel();
        k.stride = geo.stride();
        k.outH = geo.outH();
        k.outW = geo.outW();
        k.total = total;
        k.put(x).put(y).put(argmax);
        launch(k, linear(total));
    }

    /**
     * Launches the product whose operands are set and on the device, and brings C back. A
     * register-tiled product with too few 128×128 blocks to occupy the device splits k across
     * work-groups, which write partial sums that are added here (only for plain C: a convolution's
     * forward has a short k and never splits).
     */
    private void runGemm(GemmKernel g) {
        float[] out = g.c;
        // Small products stay simple, unless a long k needs the register-tiled shape's k split to
        // occupy the device (the first convolution's weight gradient: 32×25 outputs, k = N·H·W:
        // 11 ms simple, 0.36 ms split on an H200).
        boolean tiled = gemmShape == GemmShape.REGISTER_TILED
                || (gemmShape == GemmShape.AUTO && ((g.m >= 32 && g.n >= 32) || g.k >= 4096));
        if (!tiled) {
            g.registerTiled = 0;
            g.put(out);
            launch(
                    g,
                    Range.create2D(
                            device,
                            roundUp(g.n, GemmKernel.TS),
                            roundUp(g.m, GemmKernel.TS),
                            GemmKernel.TS,
                            GemmKernel.TS));
            g.get(out);
            return;
        }
        int blocksN = ceilDiv(g.n, GemmKernel.BT);
        int blocksM = ceilDiv(g.m, GemmKernel.BT);
        int slices = 1;
        if (g.cMode == GemmKernel.C_PLAIN && blocksN * blocksM < minWorkGroups) {
            // each slice keeps at least 16 staging steps, so partial sums stay a small extra cost
            int most = Math.max(1, g.k / (16 * GemmKernel.BK));
            slices = Math.min(most, ceilDiv(minWorkGroups, blocksN * blocksM));
        }
        g.registerTiled = 1;
        g.prefetch = PREFETCH ? 1 : 0;
        g.kSlice = roundUp(ceilDiv(g.k, slices), GemmKernel.BK);
        slices = ceilDiv(g.k, g.kSlice);
        g.partial = slices > 1 ? 1 : 0;
        if (slices > 1) {
            long size = (long) slices * g.m * g.n;
            if (size > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("gemm partial sums too large: " + size);
            }
            if (partialSums.length < size) {
                partialSums = new float[(int) size];
            }
            g.c = partialSums;
        }
        g.put(g.c);
        launch(
                g,
                Range.create3D(
                        device,
                        blocksN * GemmKernel.TS,
                        blocksM * GemmKernel.TS,
                        slices,
                        GemmKernel.TS,
                        GemmKernel.TS,
                        1));
        g.get(g.c);
        if (slices > 1) {
            g.c = out;
            addPartialSums(g, slices, out);
        }
    }

    /** C = alpha·Σ partials + beta·C, the store of {@link GemmKernel#C_PLAIN} after a split k. */
    private void addPartialSums(GemmKernel g, int slices, float[] out) {
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

    private Range linear(int total) {
        return Range.create(device, roundUp(Math.max(total, 1), 64), 64);
    }

    private void launch(Kernel k, Range range) {
        long t0 = System.nanoTime();
        k.execute(range);
        launchNanos += System.nanoTime() - t0;
        if (PROFILING) {
            for (ProfileInfo info : k.getProfileInfo()) {
                Object type = info.getType();
                if ("X".equals(String.valueOf(type))) { // an execution, not a read or write
                    kernelNanos += info.getEnd() - info.getStart();
                }
            }
        }
        if (!k.isRunningCL()) {
            throw new IllegalStateException(k.getClass().getSimpleName() + " did not run on OpenCL ("
                    + k.getExecutionMode() + "); refusing a silent Java fall-back");
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
