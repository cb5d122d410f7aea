package org.sparkdl.opencl;

import com.aparapi.Kernel;
import com.aparapi.Range;
import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import com.aparapi.exception.CompileFailedException;
import com.aparapi.internal.kernel.KernelManager;
import java.util.LinkedHashSet;
import java.util.List;
import org.sparkdl.core.kernels.ConvGeometry;
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
    private long launches;

    /** Kernels on the first GPU, else the first CPU OpenCL device; throws if there is none. */
    public OpenClKernels() {
        this(OpenClDevices.find());
    }

    private OpenClKernels(OpenClDevices.Found found) {
        if (found.device() == null) {
            throw new IllegalStateException("backend 'opencl' cannot run here: " + found.problem());
        }
        this.device = found.device();
        this.deviceName = found.describe();
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
        g.a = a;
        g.b = b;
        g.c = c;
        g.m = m;
        g.n = n;
        g.k = k;
        g.aOffset = aOffset;
        g.bOffset = bOffset;
        g.cOffset = cOffset;
        g.transA = transA ? 1 : 0;
        g.transB = transB ? 1 : 0;
        g.alpha = alpha;
        g.beta = beta;
        g.aMode = GemmKernel.A_PLAIN;
        g.bMode = GemmKernel.B_PLAIN;
        g.cMode = GemmKernel.C_PLAIN;
        g.put(a).put(b).put(c);
        launch(g, gemmRange(m, n));
        g.get(c);
    }

    @Override
    public void convForward(ConvGeometry geo, float[] x, float[] w, float[] bias, float[] y, float[] columns) {
        SizeChecks.atLeast("convolution input", x, geo.inputSize());
        SizeChecks.atLeast("convolution weights", w, geo.weightSize());
        SizeChecks.atLeast("convolution output", y, geo.outputSize());
        float[] b = bias != null ? bias : new float[geo.outChannels()];
        SizeChecks.atLeast("convolution bias", b, geo.outChannels());
        GemmKernel g = gemm;
        setConv(g, geo);
        // y[F, N·P] = w[F, C·KH·KW] · im2col(x), written straight into NCHW with the bias.
        g.a = w;
        g.b = x;
        g.c = y;
        g.bias = b;
        g.m = geo.outChannels();
        g.n = geo.columns();
        g.k = geo.patchSize();
        g.aOffset = 0;
        g.transA = 0;
        g.aMode = GemmKernel.A_PLAIN;
        g.bMode = GemmKernel.B_IM2COL;
        g.cMode = GemmKernel.C_CONV_OUT;
        g.put(w).put(x).put(b).put(y);
        launch(g, gemmRange(g.m, g.n));
        g.get(y);
    }

    @Override
    public void convBackwardWeight(
            ConvGeometry geo, float[] x, float[] columns, float[] dy, float[] dw, float[] dbias) {
        SizeChecks.atLeast("convolution input", x, geo.inputSize());
        SizeChecks.atLeast("convolution output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("convolution weight gradient", dw, geo.weightSize());
        GemmKernel g = gemm;
        setConv(g, geo);
        // dw[F, C·KH·KW] += dyᵀ[F, N·P] · im2col(x)ᵀ[N·P, C·KH·KW]
        g.a = dy;
        g.b = x;
        g.c = dw;
        g.m = geo.outChannels();
        g.n = geo.patchSize();
        g.k = geo.columns();
        g.cOffset = 0;
        g.alpha = 1f;
        g.beta = 1f;
        g.aMode = GemmKernel.A_DY_CHANNEL_MAJOR;
        g.bMode = GemmKernel.B_IM2COL_T;
        g.cMode = GemmKernel.C_PLAIN;
        g.put(dy).put(x).put(dw);
        launch(g, gemmRange(g.m, g.n));
        g.get(dw);
        if (dbias != null) {
            SizeChecks.atLeast("convolution bias gradient", dbias, geo.outChannels());
            BiasGradKernel bk = biasGrad;
            bk.dy = dy;
            bk.db = dbias;
            bk.batch = geo.batch();
            bk.filters = geo.outChannels();
            bk.pixels = geo.outPixels();
            bk.put(dy).put(dbias);
            launch(bk, Range.create(device, roundUp(geo.outChannels(), 64), 64));
            bk.get(dbias);
        }
    }

    @Override
    public void convBackwardInput(ConvGeometry geo, float[] dy, float[] w, float[] dx, float[] columns) {
        SizeChecks.atLeast("convolution output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("convolution weights", w, geo.weightSize());
        SizeChecks.atLeast("convolution input gradient", dx, geo.inputSize());
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
    public void maxPoolBackward(PoolGeometry geo, float[] dy, int[] argmax, float[] dx) {
        SizeChecks.atLeast("pooling output gradient", dy, geo.outputSize());
        SizeChecks.atLeast("pooling input gradient", dx, geo.inputSize());
        SizeChecks.atLeast("pooling argmax", argmax, geo.outputSize());
        runPool(PoolKernel.MAX_BACKWARD, geo, dx, dy, argmax, geo.inputSize());
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

    private static void setConv(GemmKernel g, ConvGeometry geo) {
        g.inChannels = geo.inChannels();
        g.height = geo.height();
        g.width = geo.width();
        g.filters = geo.outChannels();
        g.kernelH = geo.kernelH();
        g.kernelW = geo.kernelW();
        g.stride = geo.stride();
        g.pad = geo.pad();
        g.outH = geo.outH();
        g.outW = geo.outW();
        g.bOffset = 0;
        g.transB = 0;
    }

    private Range gemmRange(int m, int n) {
        return Range.create2D(
                device, roundUp(n, GemmKernel.TS), roundUp(m, GemmKernel.TS), GemmKernel.TS, GemmKernel.TS);
    }

    private Range linear(int total) {
        return Range.create(device, roundUp(Math.max(total, 1), 64), 64);
    }

    private void launch(Kernel k, Range range) {
        k.execute(range);
        if (!k.isRunningCL()) {
            throw new IllegalStateException(k.getClass().getSimpleName() + " did not run on OpenCL ("
                    + k.getExecutionMode() + "); refusing a silent Java fall-back");
        }
        launches++;
    }

    private static int roundUp(int v, int multiple) {
        return (v + multiple - 1) / multiple * multiple;
    }
}
