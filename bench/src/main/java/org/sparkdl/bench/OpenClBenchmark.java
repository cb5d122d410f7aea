package org.sparkdl.bench;

import java.util.Locale;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.opencl.OpenClKernels;
import org.sparkdl.opencl.OpenClKernels.GemmShape;

/**
 * GFLOP/s of the OpenCL kernels on whatever device Aparapi finds (a GPU first), for each GEMM
 * shape: sgemm n³ and CNN-S's two convolutions forward + backward at a given batch. Each figure is
 * the best of several repetitions after a warm-up (the first launch compiles), three ways: the
 * kernels alone (OpenCL event times; run with {@code -Dcom.aparapi.enableProfiling=true}, else
 * NaN), the launches (which include the uploads Aparapi makes at launch), and whole calls (which
 * add the downloads of the results). First checks every shape against the CPU kernels at sizes that are not multiples of the
 * tiles, so a fast wrong kernel cannot report a figure.
 *
 * <p>Usage: {@code OpenClBenchmark [gemmSize=4096] [batch=256] [reps=5]}.
 */
public final class OpenClBenchmark {
    private OpenClBenchmark() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        GemmShape[] shapes = {GemmShape.SIMPLE, GemmShape.REGISTER_TILED, GemmShape.AUTO};
        OpenClKernels[] kernels = new OpenClKernels[shapes.length];
        for (int s = 0; s < shapes.length; s++) {
            kernels[s] = new OpenClKernels(shapes[s], 0);
        }
        System.out.println("device: " + kernels[0].deviceName());
        for (int s = 0; s < shapes.length; s++) {
            check(shapes[s], kernels[s]);
        }
        float[] a = KernelBenchmarks.random(size * size, 1);
        float[] b = KernelBenchmarks.random(size * size, 2);
        float[] c = new float[size * size];
        for (int s = 0; s < 2; s++) {
            OpenClKernels cl = kernels[s];
            Timing t = best(reps, cl, () -> cl.sgemm(false, false, size, size, size, 1f, a, 0, b, 0, 0f, c, 0));
            report(shapes[s] + " sgemm " + size + "^3", 2.0 * size * size * size, t);
        }
        for (ConvGeometry g : new ConvGeometry[] {CnnS.conv1(batch), CnnS.conv2(batch)}) {
            ConvData d = new ConvData(g);
            for (int s : new int[] {0, 2}) {
                OpenClKernels cl = kernels[s];
                Timing t = best(reps, cl, () -> d.forwardBackward(cl));
                report(
                        shapes[s] + " conv " + g.inChannels() + "->" + g.outChannels() + " " + g.height() + "x"
                                + g.width() + " batch " + batch + " fwd+bwd",
                        2.0 * 3 * g.forwardMacs(),
                        t);
            }
            OpenClKernels auto = kernels[2];
            report("  of which forward", 2.0 * g.forwardMacs(), best(reps, auto, () -> d.forward(auto)));
            report("  of which backward", 4.0 * g.forwardMacs(), best(reps, auto, () -> d.backward(auto, true)));
            report(
                    "  of which weight gradient alone",
                    2.0 * g.forwardMacs(),
                    best(reps, auto, () -> d.backward(auto, false)));
        }
    }

    /** Every operation of one shape against the CPU kernels; exits non-zero on a mismatch. */
    private static void check(GemmShape shape, OpenClKernels cl) {
        CpuKernels cpu = new CpuKernels();
        int m = 300;
        int n = 1001;
        int k = 999;
        float[] a = KernelBenchmarks.random(m * k, 7);
        float[] b = KernelBenchmarks.random(k * n, 8);
        float[] c1 = new float[m * n];
        float[] c2 = new float[m * n];
        cpu.sgemm(true, false, m, n, k, 1f, a, 0, b, 0, 0f, c1, 0);
        cl.sgemm(true, false, m, n, k, 1f, a, 0, b, 0, 0f, c2, 0);
        double worst = maxError(c1, c2);
        for (ConvGeometry g : new ConvGeometry[] {CnnS.conv1(9), CnnS.conv2(9)}) {
            ConvData onCpu = new ConvData(g);
            ConvData onCl = new ConvData(g);
            onCpu.forwardBackward(cpu);
            onCl.forwardBackward(cl);
            worst = Math.max(worst, maxError(onCpu.y, onCl.y));
            worst = Math.max(worst, maxError(onCpu.dw, onCl.dw));
            worst = Math.max(worst, maxError(onCpu.db, onCl.db));
            worst = Math.max(worst, maxError(onCpu.dx, onCl.dx));
        }
        System.out.printf(
                Locale.ROOT,
                "check %s against the CPU kernels: largest error %.2e of the largest magnitude%n",
                shape,
                worst);
        if (!(worst < 1e-4)) {
            System.out.println("MISMATCH: the " + shape + " kernels are wrong on this device");
            System.exit(3);
        }
    }

    /** Largest |expected − actual| relative to the largest |expected|. */
    private static double maxError(float[] expected, float[] actual) {
        double scale = 1e-30;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs((double) expected[i] - actual[i]));
        }
        return err / scale;
    }

    /** The operands of one convolution's forward and backward. */
    private static final class ConvData {
        final ConvGeometry g;
        final float[] x;
        final float[] w;
        final float[] bias;
        final float[] y;
        final float[] dy;
        final float[] dw;
        final float[] db;
        final float[] dx;

        ConvData(ConvGeometry g) {
            this.g = g;
            x = KernelBenchmarks.random(g.inputSize(), 3);
            w = KernelBenchmarks.random(g.weightSize(), 4);
            bias = KernelBenchmarks.random(g.outChannels(), 6);
            y = new float[g.outputSize()];
            dy = KernelBenchmarks.random(g.outputSize(), 5);
            dw = new float[g.weightSize()];
            db = new float[g.outChannels()];
            dx = new float[g.inputSize()];
        }

        void forwardBackward(Kernels kernels) {
            forward(kernels);
            backward(kernels, true);
        }

        /** With CNN-S's ReLU fused, as a model runs it. */
        void forward(Kernels kernels) {
            kernels.convForward(g, x, w, bias, true, y, new float[(int) kernels.convScratchSize(g)]);
        }

        /** Weight and bias gradients, and the input gradient when asked. */
        void backward(Kernels kernels, boolean input) {
            java.util.Arrays.fill(dw, 0f);
            java.util.Arrays.fill(db, 0f);
            float[] columns = new float[(int) kernels.convScratchSize(g)];
            kernels.convBackward(g, x, w, y, dy, dw, db, input ? dx : null, columns);
        }
    }

    /** Best seconds of: the kernels alone (OpenCL events), the launches with uploads, whole calls. */
    private record Timing(double kernel, double launch, double call) {}

    private static Timing best(int reps, OpenClKernels cl, Runnable r) {
        r.run(); // compile and warm up
        double kernel = Double.MAX_VALUE;
        double launch = Double.MAX_VALUE;
        double call = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long k0 = cl.kernelNanos();
            long l0 = cl.launchNanos();
            long t0 = System.nanoTime();
            r.run();
            call = Math.min(call, (System.nanoTime() - t0) / 1e9);
            launch = Math.min(launch, (cl.launchNanos() - l0) / 1e9);
            kernel = Math.min(kernel, (cl.kernelNanos() - k0) / 1e9);
        }
        return new Timing(kernel, launch, call);
    }

    private static void report(String what, double flops, Timing t) {
        System.out.printf(
                Locale.ROOT,
                "%-50s kernels %8.3f ms %8.0f GFLOP/s | +uploads %8.3f ms %8.0f | +downloads %8.3f ms %8.0f%n",
                what,
                t.kernel * 1e3,
                t.kernel > 0 ? flops / t.kernel / 1e9 : Double.NaN,
                t.launch * 1e3,
                flops / t.launch / 1e9,
                t.call * 1e3,
                flops / t.call / 1e9);
    }
}
