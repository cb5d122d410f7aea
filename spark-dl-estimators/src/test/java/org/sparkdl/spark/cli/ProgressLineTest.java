package org.sparkdl.spark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.spark.scheduler.JobSucceeded$;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.sparkdl.spark.train.FitProgress;

/** The terminal's progress line, fed the job events of a fit. */
class ProgressLineTest {
    @Test
    void theLineSaysRoundsImagesPerSecondAndTheTimeLeft() {
        // round 10 of 40 in epoch 2 of 3, 20 s into the epoch, 60,000 rows: 15,000 rows in 20 s, 2 s a round,
        // 30 rounds left in this epoch and 40 in the last: 140 s
        assertEquals("epoch 2/3  round 10/40  750 images/s  ETA 2:20", ProgressLine.line(2, 3, 10, 40, 60_000, 20.0));
    }

    @Test
    void redrawsAfterEachRoundAndWipesItselfBeforeTheEpochLine() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        ProgressLine line = new ProgressLine(new PrintStream(buf, true, StandardCharsets.UTF_8));
        line.onJobStart(start(0, 1_000, "1", "1"));
        line.onJobEnd(end(0, 3_000));
        line.onJobStart(start(1, 3_000, "1", "2"));
        line.onJobEnd(end(1, 5_000));
        line.onJobStart(start(2, 5_000, "1", "3")); // the epoch's last round
        line.onJobEnd(end(2, 7_000));
        line.onJobStart(start(99, 7_000, null, null)); // not a fit's job: ignored
        line.onJobEnd(end(99, 8_000));
        String out = buf.toString(StandardCharsets.UTF_8);
        String first = "epoch 1/2  round 1/3  200 images/s  ETA 0:10";
        String second = "epoch 1/2  round 2/3  200 images/s  ETA 0:08";
        assertEquals("\r" + first + "\r" + second + "\r" + " ".repeat(second.length()) + "\r", out);
        assertTrue(second.length() == first.length());
    }

    private static SparkListenerJobStart start(int job, long time, String epoch, String round) {
        Properties p = new Properties();
        if (epoch != null) {
            p.setProperty(FitProgress.FIT, "CNNClassifier_1");
            p.setProperty(FitProgress.EPOCH, epoch);
            p.setProperty(FitProgress.EPOCHS, "2");
            p.setProperty(FitProgress.ROUND, round);
            p.setProperty(FitProgress.ROUNDS, "3");
            p.setProperty(FitProgress.TRAIN_ROWS, "1200");
        }
        return new SparkListenerJobStart(job, time, scala.collection.immutable.Seq$.MODULE$.empty(), p);
    }

    private static SparkListenerJobEnd end(int job, long time) {
        return new SparkListenerJobEnd(job, time, JobSucceeded$.MODULE$);
    }
}
