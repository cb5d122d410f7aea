package org.sparkdl.bench;

import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.sparkdl.core.kernels.CpuKernels;

/**
 * What one hand-off of the CPU kernels costs: splitting a trivial loop over 2 threads and waiting
 * for both halves, through {@code CpuKernels(2)} (its worker team) and through a {@code
 * ForkJoinPool(2)} as the kernels used it before (the caller submits the parts and joins). Each
 * round times both, alternated: back to back, and after 200 µs of serial work on the calling
 * thread (a step's pattern: a layer's serial part, then a split).
 *
 * <p>Usage: {@code java -cp ... org.sparkdl.bench.HandOffTimes [rounds=5]}
 */
public final class HandOffTimes {
    private HandOffTimes() {}

    /** Splits of {@code count} items over 2 parts, run and waited for. */
    private interface Splitter {
        void split(int count, int[] sink);
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        CpuKernels kernels = new CpuKernels(2);
        ForkJoinPool pool = new ForkJoinPool(2);
        Splitter team = (count, sink) -> kernels.forRanges(count, (from, to) -> sink[from == 0 ? 0 : 1]++);
        Splitter forkJoin = (count, sink) -> pool.submit(
                        () -> IntStream.range(0, 2).parallel().forEach(p -> sink[p]++))
                .join();
        int count = 1 << 16; // above the kernels' threshold for splitting an element loop
        int[] sink = new int[2];
        System.out.println("µs per hand-off: back to back, and after 200 µs of serial work");
        for (int round = 1; round <= rounds; round++) {
            System.out.printf(
                    Locale.ROOT,
                    "round %d  worker team %6.1f %6.1f   ForkJoinPool %6.1f %6.1f%n",
                    round,
                    backToBack(team, count, sink),
                    afterSerialWork(team, count, sink),
                    backToBack(forkJoin, count, sink),
                    afterSerialWork(forkJoin, count, sink));
        }
        pool.shutdown();
        System.exit(0); // the team's workers are daemons, but do not wait for their idle timeout
    }

    private static double backToBack(Splitter s, int count, int[] sink) {
        int reps = 20_000;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            s.split(count, sink);
        }
        return (System.nanoTime() - t0) / 1e3 / reps;
    }

    private static double afterSerialWork(Splitter s, int count, int[] sink) {
        int reps = 2_000;
        long inSplits = 0;
        for (int i = 0; i < reps; i++) {
            long busyUntil = System.nanoTime() + 200_000;
            while (System.nanoTime() < busyUntil) {
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            s.split(count, sink);
            inSplits += System.nanoTime() - t0;
        }
        return inSplits / 1e3 / reps;
    }
}
