package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.kernels.Backends;

/**
 * The params of a model's inference, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class InferenceParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> inferenceBackend;

    InferenceParams(Params p) {
        inferenceBackend = new Param<>(
                p,
                "inferenceBackend",
                "kernels backend for transform: auto (OpenCL on a GPU, else CPU), cpu or opencl; the training"
                        + " param backend does not apply to inference",
                Validators.oneOf(Backends.NAMES));
        p.setDefault(inferenceBackend, "auto");
    }
}
