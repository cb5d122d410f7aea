package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.sparkdl.core.train.FloatStorage;

/**
 * A stage with the params of how its training data is packed ({@link PackingParams}), as Spark
 * finds params: public no-argument methods returning a {@code Param}, with typed getters and
 * setters that return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasPacking<S extends HasPacking<S>> extends HasParamGroups<S> {
    default DoubleParam maxBlockSizeInMB() {
        return paramGroups().packing().maxBlockSizeInMB;
    }

    default double getMaxBlockSizeInMB() {
        return (Double) $(maxBlockSizeInMB());
    }

    default S setMaxBlockSizeInMB(double value) {
        set(maxBlockSizeInMB(), value);
        return self();
    }

    default Param<String> featureStorage() {
        return paramGroups().packing().featureStorage;
    }

    default String getFeatureStorage() {
        return (String) $(featureStorage());
    }

    default S setFeatureStorage(String value) {
        set(featureStorage(), value);
        return self();
    }

    /** {@link #featureStorage()} as the packer takes it. */
    default FloatStorage featureStorageValue() {
        return FloatStorage.fromParam(getFeatureStorage());
    }
}
