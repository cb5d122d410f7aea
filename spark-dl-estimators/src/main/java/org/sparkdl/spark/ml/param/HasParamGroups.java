package org.sparkdl.spark.ml.param;

import org.apache.spark.ml.param.Params;

/**
 * A stage whose params come from shared groups ({@link HasOptimizer}, {@link HasSchedule}, ...):
 * each group's params are declared once, in its {@code *Params} class, and held per stage by its
 * {@link ParamGroups}.
 *
 * @param <S> the stage, so that setters chain with its own type
 */
public interface HasParamGroups<S extends HasParamGroups<S>> extends Params {
    /** The declarations of this stage's groups (Spark params belong to one parent: one instance per stage). */
    ParamGroups paramGroups();

    /** This stage, typed, for the groups' setters. */
    @SuppressWarnings("unchecked")
    default S self() {
        return (S) this;
    }
}
