package org.sparkdl.bench;

import java.util.Locale;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.opencl.OpenClKernels;

/**
 * GFLOP/s of the OpenCL kernels on whatever device Aparapi finds (a GPU first): sgemm n³ and
 * CNN-S's two convolutions forward + backward at a given batch. Each figure is the best of
 * several repetitions after a warm-up (the first launch compiles). Includes the host↔device copies
 * each call makes. Usage: {@code OpenClBenchmark [gemmSize=4096] [batch=256] [reps=5]}.
 */
public final class OpenClBenchmark {
    private OpenClBenchmark() {}

    public static void main(String[] args) {
        int size = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        OpenClKernels cl = new OpenClKernels();
        System.out.println("device: " + cl.deviceName());
        float[] a = KernelBenchmarks.random(size * size, 1);
        float[] b = KernelBenchmarks.random(size * size, 2);
        float[] c = new float[size * size];
        double gemm = best(reps, () -> cl.sgemm(false, false, size, size, size, 1f, a, 0, b, 0, 0f, c, 0));
        report("sgemm " + size + "^3", 2.0 * size * size * size, gemm);
        for (ConvGeometry g : new ConvGeometry[] {CnnS.conv1(batch), CnnS.conv2(batch)}) {
            float[] x = KernelBenchmarks.random(g.inputSize(), 3);
            float[] w = KernelBenchmarks.random(g.weightSize(), 4);
            float[] bias = new float[g.outChannels()];
            float[] y = new float[g.outputSize()];
            float[] dy = KernelBenchmarks.random(g.outputSize(), 5);
            float[] dw = new float[g.weightSize()];
            float[] db = new float[g.outChannels()];
            float[] dx = new float[g.inputSize()];
            float[] none = new float[0];
            double t = best(reps, () -> {
                cl.convForward(g, x, w, bias, y, none);
                cl.convBackwardWeight(g, x, none, dy, dw, db);
                cl.convBackwardInput(g, dy, w, dx, none);
            });
            report(
                    "conv " + g.inChannels() + "->" + g.outChannels() + " " + g.height() + "x" + g.width() + " batch "
                            + batch + " fwd+bwd",
                    2.0 * 3 * g.forwardMacs(),
                    t);
        }
        System.out.println("launches on OpenCL: " + cl.launches());
    }

    private static double best(int reps, Runnable r) {
        r.run(); // compile and warm up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    private static void report(String what, double flops, double seconds) {
        System.out.printf(Locale.ROOT, "%-40s %9.3f ms %10.1f GFLOP/s%n", what, seconds * 1e3, flops / seconds / 1e9);
    }
}
