package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of the learning-rate schedule over epochs, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class ScheduleParams implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final List<String> SCHEDULES = List.of("constant", "step", "cosine", "linear");

    final Param<String> schedule;
    final IntArrayParam scheduleMilestones;
    final DoubleParam scheduleGamma;
    final DoubleParam minLearningRate;
    final IntParam warmupEpochs;
    final DoubleParam warmupStartFactor;

    ScheduleParams(Params p) {
        schedule = new Param<>(
                p, "schedule", "learning-rate schedule over epochs: one of " + SCHEDULES, Validators.oneOf(SCHEDULES));
        scheduleMilestones = new IntArrayParam(
                p,
                "scheduleMilestones",
                "epochs at which the 'step' schedule multiplies the rate by scheduleGamma (positive, increasing;"
                        + " none when unset)",
                Validators.positiveIncreasing());
        scheduleGamma =
                new DoubleParam(p, "scheduleGamma", "factor of the 'step' schedule (> 0)", Validators.doubleAbove(0));
        minLearningRate = new DoubleParam(
                p,
                "minLearningRate",
                "final rate of the 'cosine' and 'linear' schedules (>= 0)",
                Validators.doubleAtLeast(0));
        warmupEpochs = new IntParam(
                p, "warmupEpochs", "epochs of linear warm-up before the schedule (>= 0)", Validators.intAtLeast(0));
        warmupStartFactor = new DoubleParam(
                p,
                "warmupStartFactor",
                "warm-up starts at this fraction of the rate, in (0, 1]",
                Validators.doubles(v -> v > 0 && v <= 1));

        p.setDefault(schedule, "constant");
        p.setDefault(scheduleGamma, 0.1);
        p.setDefault(minLearningRate, 0.0);
        p.setDefault(warmupEpochs, 0);
        p.setDefault(warmupStartFactor, 0.1);
    }
}
