package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of training checkpoints, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class CheckpointsParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> checkpointDir;
    final IntParam checkpointInterval;
    final Param<String> checkpointPolicy;

    public static final java.util.List<String> POLICIES = java.util.List.of("resume", "overwrite");

    CheckpointsParams(Params p) {
        checkpointDir = new Param<>(
                p,
                "checkpointDir",
                "Hadoop path for training checkpoints, one sub-directory per configuration and data: a fit"
                        + " resumes only the checkpoints of its own configuration and data");
        checkpointInterval = new IntParam(
                p, "checkpointInterval", "checkpoint every this many epochs (>= 1)", Validators.intAtLeast(1));

        checkpointPolicy = new Param<>(
                p,
                "checkpointPolicy",
                "resume: continue from this configuration and data's last complete checkpoint; overwrite: drop"
                        + " those checkpoints and train from epoch 1",
                Validators.oneOf(POLICIES));

        p.setDefault(checkpointInterval, 1);
        p.setDefault(checkpointPolicy, "resume");
    }
}
