package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * A stage with the params of training checkpoints ({@link CheckpointsParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasCheckpoints<S extends HasCheckpoints<S>> extends HasParamGroups<S> {
    default Param<String> checkpointDir() {
        return paramGroups().checkpoints().checkpointDir;
    }

    default String getCheckpointDir() {
        return (String) $(checkpointDir());
    }

    default S setCheckpointDir(String value) {
        set(checkpointDir(), value);
        return self();
    }

    default IntParam checkpointInterval() {
        return paramGroups().checkpoints().checkpointInterval;
    }

    default int getCheckpointInterval() {
        return (Integer) $(checkpointInterval());
    }

    default S setCheckpointInterval(int value) {
        set(checkpointInterval(), value);
        return self();
    }

    default Param<String> checkpointPolicy() {
        return paramGroups().checkpoints().checkpointPolicy;
    }

    default String getCheckpointPolicy() {
        return (String) $(checkpointPolicy());
    }

    default S setCheckpointPolicy(String value) {
        set(checkpointPolicy(), value);
        return self();
    }
}
