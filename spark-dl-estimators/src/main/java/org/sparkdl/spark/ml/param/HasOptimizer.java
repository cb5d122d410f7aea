package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/**
 * A stage with the params of the optimizer and its hyper-parameters, penalties and gradient clipping ({@link OptimizerParams}), as Spark finds params:
 * public no-argument methods returning a {@code Param}, with typed getters and setters that
 * return the stage itself.
 *
 * @param <S> the stage
 */
public interface HasOptimizer<S extends HasOptimizer<S>> extends HasParamGroups<S> {
    default Param<String> optimizer() {
        return paramGroups().optimizer().optimizer;
    }

    default String getOptimizer() {
        return (String) $(optimizer());
    }

    default S setOptimizer(String value) {
        set(optimizer(), value);
        return self();
    }

    default DoubleParam learningRate() {
        return paramGroups().optimizer().learningRate;
    }

    default double getLearningRate() {
        return (Double) $(learningRate());
    }

    default S setLearningRate(double value) {
        set(learningRate(), value);
        return self();
    }

    default DoubleParam momentum() {
        return paramGroups().optimizer().momentum;
    }

    default double getMomentum() {
        return (Double) $(momentum());
    }

    default S setMomentum(double value) {
        set(momentum(), value);
        return self();
    }

    default DoubleParam beta1() {
        return paramGroups().optimizer().beta1;
    }

    default double getBeta1() {
        return (Double) $(beta1());
    }

    default S setBeta1(double value) {
        set(beta1(), value);
        return self();
    }

    default DoubleParam beta2() {
        return paramGroups().optimizer().beta2;
    }

    default double getBeta2() {
        return (Double) $(beta2());
    }

    default S setBeta2(double value) {
        set(beta2(), value);
        return self();
    }

    default DoubleParam weightDecay() {
        return paramGroups().optimizer().weightDecay;
    }

    default double getWeightDecay() {
        return (Double) $(weightDecay());
    }

    default S setWeightDecay(double value) {
        set(weightDecay(), value);
        return self();
    }

    default DoubleParam l1() {
        return paramGroups().optimizer().l1;
    }

    default double getL1() {
        return (Double) $(l1());
    }

    default S setL1(double value) {
        set(l1(), value);
        return self();
    }

    default DoubleParam l2() {
        return paramGroups().optimizer().l2;
    }

    default double getL2() {
        return (Double) $(l2());
    }

    default S setL2(double value) {
        set(l2(), value);
        return self();
    }

    default DoubleParam gradientClipNorm() {
        return paramGroups().optimizer().gradientClipNorm;
    }

    default double getGradientClipNorm() {
        return (Double) $(gradientClipNorm());
    }

    default S setGradientClipNorm(double value) {
        set(gradientClipNorm(), value);
        return self();
    }
}
