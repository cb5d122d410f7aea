package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/** The params of training checkpoints: declared once, with docs, validators and defaults. One instance per stage. */
public final class CheckpointsParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> checkpointDir;
    final IntParam checkpointInterval;

    CheckpointsParams(Params p) {
        checkpointDir = new Param<>(
                p,
                "checkpointDir",
                "Hadoop path for training checkpoints; a fit with the same directory, configuration and data resumes from its last complete checkpoint");
        checkpointInterval = new IntParam(
                p, "checkpointInterval", "checkpoint every this many epochs (>= 1)", Validators.intAtLeast(1));

        p.setDefault(checkpointInterval, 1);
    }
}
