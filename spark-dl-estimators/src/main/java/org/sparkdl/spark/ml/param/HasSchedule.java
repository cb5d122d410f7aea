package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * A stage with the params of the learning-rate schedule over epochs ({@link ScheduleParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasSchedule<S extends HasSchedule<S>> extends HasParamGroups<S> {
    default Param<String> schedule() {
        return paramGroups().schedule().schedule;
    }

    default String getSchedule() {
        return (String) $(schedule());
    }

    default S setSchedule(String value) {
        set(schedule(), value);
        return self();
    }

    default IntArrayParam scheduleMilestones() {
        return paramGroups().schedule().scheduleMilestones;
    }

    /** The milestones, none when unset (no default: Spark would print an array default as {@code [I@...}). */
    default int[] getScheduleMilestones() {
        return isDefined(scheduleMilestones()) ? (int[]) $(scheduleMilestones()) : new int[0];
    }

    default S setScheduleMilestones(int[] value) {
        set(scheduleMilestones(), value);
        return self();
    }

    default DoubleParam scheduleGamma() {
        return paramGroups().schedule().scheduleGamma;
    }

    default double getScheduleGamma() {
        return (Double) $(scheduleGamma());
    }

    default S setScheduleGamma(double value) {
        set(scheduleGamma(), value);
        return self();
    }

    default DoubleParam minLearningRate() {
        return paramGroups().schedule().minLearningRate;
    }

    default double getMinLearningRate() {
        return (Double) $(minLearningRate());
    }

    default S setMinLearningRate(double value) {
        set(minLearningRate(), value);
        return self();
    }

    default IntParam warmupEpochs() {
        return paramGroups().schedule().warmupEpochs;
    }

    default int getWarmupEpochs() {
        return (Integer) $(warmupEpochs());
    }

    default S setWarmupEpochs(int value) {
        set(warmupEpochs(), value);
        return self();
    }

    default DoubleParam warmupStartFactor() {
        return paramGroups().schedule().warmupStartFactor;
    }

    default double getWarmupStartFactor() {
        return (Double) $(warmupStartFactor());
    }

    default S setWarmupStartFactor(double value) {
        set(warmupStartFactor(), value);
        return self();
    }
}
