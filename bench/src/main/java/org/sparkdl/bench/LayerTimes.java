package org.sparkdl.bench;

import java.util.Locale;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.ConvBlock;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.opencl.OpenClKernels;

/**
 * Where a CNN-S training step spends its time: forward and backward of each layer that runs (a
 * convolution fused with its ReLU and max pooling is one), the loss and the optimizer, averaged
 * over repeated steps after a warm-up, and which algorithm each convolution runs on the CPU
 * (im2col, or Winograd's; {@code -Dsparkdl.conv.winograd=off} for im2col everywhere). A profile,
 * not a benchmark. GFLOP/s count a convolution's direct multiply-adds, whichever algorithm ran.
 *
 * <p>Usage: {@code java -cp ... org.sparkdl.bench.LayerTimes [threads] [batch] [steps] [backend=cpu]
 * [spec] [inputShape]} (backend as the {@code backend} param: cpu, opencl, auto; spec and input
 * shape default to CNN-S on 1,28,28, e.g. {@code "lstm(128) last dense(10)" 28,28} for the
 * recurrent row classifier).
 */
public final class LayerTimes {
    private LayerTimes() {}

    public static void main(String[] args) {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        String backend = args.length > 3 ? args[3] : "cpu";
        Backends.Choice choice = Backends.choose(backend, threads);
        Kernels kernels = choice.create();
        System.out.println("kernels: " + kernels.name() + " (" + choice.reason() + ")");
        int[] shape = args.length > 5 ? Shapes.parse(args[5]) : new int[] {1, 28, 28};
        Sequential model = args.length > 4
                ? ModelSpec.parse(args[4]).build(shape, kernels, Initializer.parse("he_normal"), 1)
                : CnnS.build(kernels, 1);
        System.out.println(model.summary());
        Optimizer opt = OptimizerConfig.of("adam", 1e-3).create(model.params()).runOn(kernels);
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = Tensor.of(KernelBenchmarks.random(batch * Shapes.size(shape), 3), Shapes.withBatch(batch, shape));
        int classes = Shapes.size(model.outputShape());
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % classes;
        }
        Tensor y = Tensor.of(labels, batch);
        int n = model.layers().size();
        long[] fwd = new long[n];
        long[] bwd = new long[n];
        long lossNs = 0;
        long optNs = 0;
        long total = 0;
        int warmup = steps / 3;
        OpenClKernels device = kernels instanceof OpenClKernels cl ? cl : null;
        long[] transfers = new long[3];
        for (int s = 0; s < steps + warmup; s++) {
            boolean record = s >= warmup;
            if (device != null && s == warmup) {
                transfers = new long[] {device.uploadedBytes(), device.downloadedBytes(), device.handOverRetries()};
            }
            long t0 = System.nanoTime();
            model.zeroGrad();
            Tensor h = x;
            for (int i = 0; i < n; i++) {
                long a = System.nanoTime();
                h = model.layers().get(i).forward(h, true);
                if (record) {
                    fwd[i] += System.nanoTime() - a;
                }
            }
            long a = System.nanoTime();
            loss.forward(h, y);
            Tensor g = loss.backward();
            if (record) {
                lossNs += System.nanoTime() - a;
            }
            for (int i = n - 1; i >= 0 && g != null; i--) {
                long b = System.nanoTime();
                g = model.layers().get(i).backward(g);
                if (record) {
                    bwd[i] += System.nanoTime() - b;
                }
            }
            long o = System.nanoTime();
            opt.step();
            if (record) {
                optNs += System.nanoTime() - o;
                total += System.nanoTime() - t0;
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s step, batch %d, %d threads: %.2f ms/step, %.0f samples/s, %.1f GFLOP/s%n",
                args.length > 4 ? "'" + args[4] + "'" : "CNN-S",
                batch,
                threads,
                total / 1e6 / steps,
                batch * steps / (total / 1e9),
                // CNN-S's exact count; another spec: backward at twice the forward's multiply-adds
                (args.length > 4 ? 6.0 * model.forwardMacs(shape) : CnnS.trainFlopsPerImage()) * batch * steps / total);
        if (device != null) {
            System.out.printf(
                    Locale.ROOT,
                    "host<->device per step: %.1f MB up, %.1f MB down; hand-overs redone: %d%n",
                    (device.uploadedBytes() - transfers[0]) / 1e6 / steps,
                    (device.downloadedBytes() - transfers[1]) / 1e6 / steps,
                    device.handOverRetries() - transfers[2]);
        }
        // One row per layer that runs: a fused block (conv+relu+maxpool) is timed as the one call it is.
        int width = 20;
        for (Layer l : model.layers()) {
            width = Math.max(width, l.describe().length());
        }
        String name = "%-" + width + "s";
        System.out.printf(Locale.ROOT, name + " %10s %10s  %s%n", "layer", "fwd ms", "bwd ms", "convolution by");
        int[] in = shape;
        for (int i = 0; i < n; i++) {
            Layer l = model.layers().get(i);
            String algorithm = l instanceof ConvBlock block && kernels instanceof CpuKernels cpu
                    ? cpu.convAlgorithm(block.conv().geometryFor(Shapes.withBatch(batch, in)))
                    : "";
            System.out.printf(
                    Locale.ROOT,
                    name + " %10.3f %10.3f  %s%n",
                    l.describe(),
                    fwd[i] / 1e6 / steps,
                    bwd[i] / 1e6 / steps,
                    algorithm);
            in = l.outputShape(in);
        }
        System.out.printf(
                Locale.ROOT,
                name + " %10.3f%n" + name + " %10.3f%n",
                "loss",
                lossNs / 1e6 / steps,
                "optimizer",
                optNs / 1e6 / steps);
    }
}
