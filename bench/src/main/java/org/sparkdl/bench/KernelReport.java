package org.sparkdl.bench;

import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.sparkdl.core.kernels.Blas;

/**
 * Runs {@link KernelBenchmarks} and prints GFLOP/s (and images/s for the training step) against
 * this machine's measured OpenBLAS peak: ~100 GFLOP/s on one thread, ~190 on two.
 *
 * <p>Usage: {@code bench/run-kernels.sh [jmh regexp] [batches, e.g. 64,256] [threads, e.g. 2]}.
 */
public final class KernelReport {
    private KernelReport() {}

    public static void main(String[] args) throws RunnerException {
        String include = args.length > 0 ? args[0] : KernelBenchmarks.class.getSimpleName();
        OptionsBuilder builder = new OptionsBuilder();
        builder.include(include);
        if (args.length > 1) {
            builder.param("batch", args[1].split(","));
        }
        if (args.length > 2) {
            builder.param("threads", args[2].split(","));
        }
        Options opts = builder.build();
        Collection<RunResult> results = new Runner(opts).run();
        System.out.println();
        System.out.println("BLAS: " + Blas.implementation() + "; peak reference: 100 GFLOP/s (1 thread), 190 (2)");
        System.out.printf(
                Locale.ROOT,
                "%-22s %7s %6s %10s %9s %9s %10s%n",
                "benchmark",
                "threads",
                "batch",
                "ms/op",
                "GFLOP/s",
                "% peak",
                "images/s");
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark().replaceAll(".*\\.", "");
            int threads = Integer.parseInt(r.getParams().getParam("threads"));
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            double ms = r.getPrimaryResult().getScore();
            double flops = switch (name) {
                case "gemm1024" -> 2.0 * 1024 * 1024 * 1024;
                case "conv1ForwardBackward" -> 2.0 * 2 * CnnS.conv1(batch).forwardMacs();
                case "conv2ForwardBackward" -> 2.0 * 3 * CnnS.conv2(batch).forwardMacs();
                case "cnnSTrainStep" -> CnnS.trainFlopsPerImage() * batch;
                default -> Double.NaN;
            };
            double gflops = flops / (ms * 1e-3) / 1e9;
            double peak = threads == 1 ? 100 : 190;
            String images = name.equals("cnnSTrainStep") ? String.format(Locale.ROOT, "%.0f", batch / (ms * 1e-3)) : "";
            System.out.printf(
                    Locale.ROOT,
                    "%-22s %7d %6d %10.3f %9.1f %8.0f%% %10s%n",
                    name,
                    threads,
                    batch,
                    ms,
                    gflops,
                    100 * gflops / peak,
                    images);
        }
    }
}
