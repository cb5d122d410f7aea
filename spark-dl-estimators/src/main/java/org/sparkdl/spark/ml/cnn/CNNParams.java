package org.sparkdl.spark.ml.cnn;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.sparkdl.spark.ml.param.HasTrainingParams;

/**
 * The CNN stages' params as Spark finds them: the shared training groups plus the network's own
 * ({@link CNNParamSet}). Both {@link CNNClassifier} and {@link CNNClassificationModel} implement
 * it over their own declarations, so {@code fit} copies every value to the model by name.
 *
 * @param <S> the stage
 */
public interface CNNParams<S extends CNNParams<S>> extends HasTrainingParams<S> {
    /** The CNN params of this stage. */
    CNNParamSet cnnParams();

    default Param<String> spec() {
        return cnnParams().spec;
    }

    default String getSpec() {
        return $(spec());
    }

    default Param<String> inputShape() {
        return cnnParams().inputShape;
    }

    default String getInputShape() {
        return $(inputShape());
    }

    default Param<String> loss() {
        return cnnParams().loss;
    }

    default String getLoss() {
        return $(loss());
    }

    default S setLoss(String value) {
        set(loss(), value);
        return self();
    }

    default Param<String> initializer() {
        return cnnParams().initializer;
    }

    default String getInitializer() {
        return $(initializer());
    }

    default S setInitializer(String value) {
        set(initializer(), value);
        return self();
    }

    default Param<String> initialEncoder() {
        return cnnParams().initialEncoder;
    }

    default String getInitialEncoder() {
        return $(initialEncoder());
    }

    default S setInitialEncoder(String value) {
        set(initialEncoder(), value);
        return self();
    }

    default BooleanParam freezeEncoder() {
        return cnnParams().freezeEncoder;
    }

    default boolean getFreezeEncoder() {
        return (Boolean) $(freezeEncoder());
    }

    default S setFreezeEncoder(boolean value) {
        set(freezeEncoder(), value);
        return self();
    }
}
