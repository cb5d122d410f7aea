package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;

/**
 * A stage with the params of validation during training and early stopping ({@link EarlyStoppingParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasEarlyStopping<S extends HasEarlyStopping<S>> extends HasParamGroups<S> {
    default Param<String> validationIndicatorCol() {
        return paramGroups().earlyStopping().validationIndicatorCol;
    }

    default String getValidationIndicatorCol() {
        return (String) $(validationIndicatorCol());
    }

    default S setValidationIndicatorCol(String value) {
        set(validationIndicatorCol(), value);
        return self();
    }

    default IntParam earlyStoppingPatience() {
        return paramGroups().earlyStopping().earlyStoppingPatience;
    }

    default int getEarlyStoppingPatience() {
        return (Integer) $(earlyStoppingPatience());
    }

    default S setEarlyStoppingPatience(int value) {
        set(earlyStoppingPatience(), value);
        return self();
    }
}
