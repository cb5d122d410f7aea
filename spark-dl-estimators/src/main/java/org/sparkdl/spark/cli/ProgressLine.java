package org.sparkdl.spark.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.sparkdl.spark.train.FitProgress;

/**
 * The CLI's progress within an epoch, for a person at a terminal: one line on standard error,
 * redrawn after every averaging round ("epoch 3/10  round 12/59  1,204 images/s  ETA 1:42"), and
 * wiped when the epoch's own log line follows. It reads the figures that every fit's jobs carry
 * ({@link FitProgress}); the per-epoch log lines are all a log file or a pipe gets.
 */
final class ProgressLine extends SparkListener {
    private final PrintStream out;
    private final Map<Integer, Properties> running = new ConcurrentHashMap<>();
    private int epoch = -1;
    private long epochStartMillis;
    private int width;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    /** Whether standard error is a terminal (Linux: where file descriptor 2 points); false when unknown. */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        Properties p = start.properties();
        if (p != null && p.getProperty(FitProgress.FIT) != null) {
            running.put(start.jobId(), p);
            int e = Integer.parseInt(p.getProperty(FitProgress.EPOCH, "0"));
            synchronized (this) {
                if (e != epoch) {
                    epoch = e;
                    epochStartMillis = start.time();
                }
            }
        }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        Properties p = running.remove(end.jobId());
        if (p == null) {
            return;
        }
        String round = p.getProperty(FitProgress.ROUND);
        synchronized (this) {
            if (round == null) { // validation or clean-up: the epoch's log line comes next
                clear();
                return;
            }
            int r = Integer.parseInt(round);
            int rounds = Integer.parseInt(p.getProperty(FitProgress.ROUNDS));
            if (r >= rounds) {
                clear();
                return;
            }
            show(line(
                    epoch,
                    Integer.parseInt(p.getProperty(FitProgress.EPOCHS)),
                    r,
                    rounds,
                    Long.parseLong(p.getProperty(FitProgress.TRAIN_ROWS)),
                    (end.time() - epochStartMillis) / 1000.0));
        }
    }

    /**
     * The progress after round {@code round} of {@code rounds} in epoch {@code epoch} of {@code
     * epochs}, {@code seconds} into the epoch; the ETA assumes the later rounds take as long.
     */
    static String line(int epoch, int epochs, int round, int rounds, long rows, double seconds) {
        double perRound = seconds / round;
        double imagesPerSecond = rows * ((double) round / rounds) / Math.max(seconds, 1e-3);
        long roundsLeft = (rounds - round) + (long) (epochs - epoch) * rounds;
        long eta = Math.round(perRound * roundsLeft);
        return String.format(
                Locale.ROOT,
                "epoch %d/%d  round %d/%d  %,.0f images/s  ETA %d:%02d",
                epoch,
                epochs,
                round,
                rounds,
                imagesPerSecond,
                eta / 60,
                eta % 60);
    }

    private void show(String text) {
        out.print("\r" + text + " ".repeat(Math.max(0, width - text.length())));
        out.flush();
        width = text.length();
    }

    private void clear() {
        if (width > 0) {
            out.print("\r" + " ".repeat(width) + "\r");
            out.flush();
            width = 0;
        }
    }
}
