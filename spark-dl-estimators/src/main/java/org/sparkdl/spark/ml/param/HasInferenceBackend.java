package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.Param;

/**
 * A model with the params of its inference ({@link InferenceParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with a typed getter and setter.
 *
 * @param <S> the model
 */
public interface HasInferenceBackend<S extends HasInferenceBackend<S>> extends HasParamGroups<S> {
    default Param<String> inferenceBackend() {
        return paramGroups().inference().inferenceBackend;
    }

    default String getInferenceBackend() {
        return $(inferenceBackend());
    }

    default S setInferenceBackend(String value) {
        set(inferenceBackend(), value);
        return self();
    }
}
