package org.sparkdl.spark.train;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * What a fit's Spark jobs say about it, so that a person can follow and stop it from the Spark UI,
 * a notebook or a listener:
 *
 * <ul>
 *   <li>a job description per round ("spark-dl cnnClassifier_4f2a0e1b7c9d epoch 3/10, round 12/59"):
 *       the stage's uid, which tells apart the many fits of a {@code CrossValidator};
 *   <li>a job group per fit ({@code sc.cancelJobGroup(groupId)} stops it between steps), unless the
 *       caller already runs in a group of its own: theirs is kept, so that cancelling it still
 *       reaches the fit;
 *   <li>the same figures as local properties ({@link #FIT}, {@link #EPOCH}, ...), which every
 *       {@code SparkListenerJobStart} carries: the CLI's progress line reads them, and so can a
 *       user's own listener, without parsing text.
 * </ul>
 *
 * Everything set is cleared again by {@link #close}.
 */
public final class FitProgress implements AutoCloseable {
    /** The fitting stage's uid. */
    public static final String FIT = "sparkdl.fit";
    /** 1-based epoch of the job. */
    public static final String EPOCH = "sparkdl.epoch";

    public static final String EPOCHS = "sparkdl.epochs";
    /** 1-based round within the epoch; absent for validation jobs. */
    public static final String ROUND = "sparkdl.round";

    public static final String ROUNDS = "sparkdl.rounds";
    /** Training rows per epoch. */
    public static final String TRAIN_ROWS = "sparkdl.trainRows";

    private static final String GROUP_ID = "spark.jobGroup.id";
    private static final AtomicLong FITS = new AtomicLong();

    private final JavaSparkContext sc;
    private final String fit;
    private final String label;
    private final int epochs;
    private final int rounds;
    private final String groupId;

    private FitProgress(JavaSparkContext sc, String fit, int epochs, int rounds, String groupId) {
        this.sc = sc;
        this.fit = fit;
        this.label = "spark-dl " + fit;
        this.epochs = epochs;
        this.rounds = rounds;
        this.groupId = groupId;
    }

    /**
     * Starts labelling the jobs of {@code fit} (a stage uid) on this thread: {@code epochs} epochs
     * of {@code rounds} rounds over {@code trainRows} rows.
     */
    public static FitProgress begin(JavaSparkContext sc, String fit, int epochs, int rounds, long trainRows) {
        String own = null;
        if (sc.getLocalProperty(GROUP_ID) == null) {
            own = "spark-dl-" + fit + "-" + FITS.incrementAndGet();
            // Not interrupting tasks: a replica stopped mid-step would go back to the pool half-updated;
            // a round's tasks take seconds, and the next round is never started.
            sc.setJobGroup(own, "spark-dl " + fit + " fit", false);
        }
        FitProgress p = new FitProgress(sc, fit, epochs, rounds, own);
        sc.setLocalProperty(FIT, fit);
        sc.setLocalProperty(EPOCHS, Integer.toString(epochs));
        sc.setLocalProperty(ROUNDS, Integer.toString(rounds));
        sc.setLocalProperty(TRAIN_ROWS, Long.toString(trainRows));
        return p;
    }

    /** The job group this fit created, or null when it runs in the caller's. */
    public String groupId() {
        return groupId;
    }

    /** Labels the jobs of round {@code round} (0-based) of epoch {@code epoch} (0-based). */
    public void round(int epoch, int round) {
        sc.setLocalProperty(EPOCH, Integer.toString(epoch + 1));
        sc.setLocalProperty(ROUND, Integer.toString(round + 1));
        sc.setJobDescription(label + " epoch " + (epoch + 1) + "/" + epochs + ", round " + (round + 1) + "/" + rounds);
    }

    /** Labels the validation jobs of epoch {@code epoch} (0-based). */
    public void validation(int epoch) {
        sc.setLocalProperty(EPOCH, Integer.toString(epoch + 1));
        sc.setLocalProperty(ROUND, null);
        sc.setJobDescription(label + " epoch " + (epoch + 1) + "/" + epochs + ", validation");
    }

    /** Labels the jobs that tidy up after the fit. */
    public void cleanup() {
        sc.setLocalProperty(ROUND, null);
        sc.setJobDescription(label + ": drop this fit's model replicas");
    }

    @Override
    public void close() {
        for (String p : new String[] {FIT, EPOCH, EPOCHS, ROUND, ROUNDS, TRAIN_ROWS}) {
            sc.setLocalProperty(p, null);
        }
        sc.setJobDescription(null);
        if (groupId != null) {
            sc.clearJobGroup();
        }
    }

    @Override
    public String toString() {
        return fit + (groupId != null ? " (job group " + groupId + ")" : "");
    }
}
