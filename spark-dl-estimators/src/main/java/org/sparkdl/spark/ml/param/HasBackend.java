package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.Param;

/**
 * A stage with the params of where the kernels run ({@link BackendParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasBackend<S extends HasBackend<S>> extends HasParamGroups<S> {
    default Param<String> backend() {
        return paramGroups().backend().backend;
    }

    default String getBackend() {
        return (String) $(backend());
    }

    default S setBackend(String value) {
        set(backend(), value);
        return self();
    }
}
