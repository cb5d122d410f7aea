package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.kernels.Backends;

/**
 * The params of where the kernels run, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class BackendParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> backend;

    BackendParams(Params p) {
        backend = new Param<>(
                p,
                "backend",
                "kernels backend: auto (OpenCL on a GPU, else CPU), cpu or opencl",
                Validators.oneOf(Backends.NAMES));

        p.setDefault(backend, "auto");
    }
}
