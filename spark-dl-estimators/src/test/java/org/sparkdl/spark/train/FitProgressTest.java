package org.sparkdl.spark.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.spark.SparkTestSession;

/** A fit's jobs say which fit, epoch and round they are, in a job group that stops the fit when cancelled. */
class FitProgressTest {
    /** Collects the properties of every spark-dl job; optionally cancels the fit's group after some rounds. */
    private static final class Jobs extends SparkListener {
        final List<Properties> started = new CopyOnWriteArrayList<>();
        private final SparkContext sc;
        private final int cancelAfterRounds;
        private volatile Thread canceller;

        Jobs(SparkContext sc, int cancelAfterRounds) {
            this.sc = sc;
            this.cancelAfterRounds = cancelAfterRounds;
        }

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            if (start.properties().getProperty(FitProgress.FIT) != null) {
                started.add(start.properties());
            }
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            long rounds = started.stream()
                    .filter(p -> p.getProperty(FitProgress.ROUND) != null)
                    .count();
            if (cancelAfterRounds > 0 && rounds == cancelAfterRounds && canceller == null) {
                String group = started.get(0).getProperty("spark.jobGroup.id");
                // cancelJobGroup stops the group's running jobs only, and between two rounds none runs
                // (Spark 4's cancelJobGroupAndFutureJobs, which also refuses later ones, is not in Spark
                // 3.5): cancel again every millisecond until the fit stops, so that the next round's job
                // is cancelled while it runs, as a user's cancel in the middle of a fit would be.
                canceller = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        sc.cancelJobGroup(group);
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                canceller.setDaemon(true);
                canceller.start();
            }
        }

        void stopCancelling() throws InterruptedException {
            if (canceller != null) {
                canceller.interrupt();
                canceller.join();
            }
        }
    }

    @Test
    void everyJobOfAFitIsLabelledAndTheLabelsGoAfterwards() throws Exception {
        SparkContext sc = SparkTestSession.get().sparkContext();
        TrainingData data = TrainingData.pack(
                EngineTest.data(true),
                new EngineTest.RegressionPacker(),
                new DataLayout(3, DataLayout.DEFAULT_CHUNK_BYTES));
        Jobs jobs = new Jobs(sc, 0);
        sc.addSparkListener(jobs);
        try {
            ParameterAveraging.train(data, new EngineTest.RegressionFactory(), EngineTest.plan(2, 0));
            sc.listenerBus().waitUntilEmpty();
        } finally {
            sc.removeSparkListener(jobs);
            data.release();
        }
        // 200 rows at batch 50, 4 steps a round: one round per epoch, then validation; then the clean-up.
        List<String> descriptions = jobs.started.stream()
                .map(p -> p.getProperty("spark.job.description"))
                .toList();
        assertEquals(
                List.of(
                        "spark-dl EngineTest_1 epoch 1/2, round 1/1",
                        "spark-dl EngineTest_1 epoch 1/2, validation",
                        "spark-dl EngineTest_1 epoch 2/2, round 1/1",
                        "spark-dl EngineTest_1 epoch 2/2, validation",
                        "spark-dl EngineTest_1: drop this fit's model replicas"),
                descriptions);
        Properties round = jobs.started.get(2);
        assertEquals("EngineTest_1", round.getProperty(FitProgress.FIT));
        assertEquals("2", round.getProperty(FitProgress.EPOCH));
        assertEquals("2", round.getProperty(FitProgress.EPOCHS));
        assertEquals("1", round.getProperty(FitProgress.ROUND));
        assertEquals("1", round.getProperty(FitProgress.ROUNDS));
        assertEquals("350", round.getProperty(FitProgress.TRAIN_ROWS));
        String group = round.getProperty("spark.jobGroup.id");
        assertNotNull(group);
        assertTrue(group.startsWith("spark-dl-EngineTest_1-"), group);
        for (Properties p : jobs.started) {
            assertEquals(group, p.getProperty("spark.jobGroup.id"), "one group for the whole fit");
        }
        // The thread's next job carries none of it.
        assertNull(sc.getLocalProperty(FitProgress.FIT));
        assertNull(sc.getLocalProperty("spark.jobGroup.id"));
        assertNull(sc.getLocalProperty("spark.job.description"));
    }

    @Test
    void aCallersOwnJobGroupIsKeptAndCancellingItStopsTheFit() throws InterruptedException {
        SparkContext sc = SparkTestSession.get().sparkContext();
        TrainingData data = TrainingData.pack(
                EngineTest.data(false),
                new EngineTest.RegressionPacker(),
                new DataLayout(3, DataLayout.DEFAULT_CHUNK_BYTES));
        Jobs jobs = new Jobs(sc, 3);
        sc.addSparkListener(jobs);
        sc.setJobGroup("nightly-retrain", "the caller's group", false);
        // batch 10 and a step a round: 20 rounds an epoch, 30 epochs; the cancellation comes after 3 rounds
        TrainingPlan plan = new TrainingPlan(
                30, 1, 10, 3, LearningRateSchedule.constant(0.05), "cpu", 0, null, 1, false, 10, "EngineTest_3");
        try {
            Exception e = assertThrows(
                    Exception.class, () -> ParameterAveraging.train(data, new EngineTest.RegressionFactory(), plan));
            assertTrue(String.valueOf(e.getMessage()).contains("cancelled"), String.valueOf(e.getMessage()));
            assertEquals("nightly-retrain", sc.getLocalProperty("spark.jobGroup.id"), "the caller's group stays");
        } finally {
            jobs.stopCancelling();
            sc.clearJobGroup();
            sc.removeSparkListener(jobs);
            data.release();
        }
        long rounds = jobs.started.stream()
                .filter(p -> p.getProperty(FitProgress.ROUND) != null)
                .count();
        assertTrue(rounds < 10, rounds + " rounds ran of 600: the cancellation did not stop the fit");
        assertTrue(jobs.started.stream().allMatch(p -> "nightly-retrain".equals(p.getProperty("spark.jobGroup.id"))));
    }
}
