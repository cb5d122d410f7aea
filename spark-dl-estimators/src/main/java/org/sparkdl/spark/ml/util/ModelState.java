package org.sparkdl.spark.ml.util;

/**
 * The check that a model holds a trained state before it scores or saves. A model made by its
 * public no-argument constructor — which exists because Spark Connect's service discovery requires
 * one of every listed class — holds none, and must not score with some default weights.
 */
public final class ModelState {
    private ModelState() {}

    /** @throws IllegalStateException naming the model when {@code state} is null or empty */
    public static void require(Object state, org.apache.spark.ml.util.Identifiable model) {
        boolean empty = state == null
                || (state instanceof float[] f && f.length == 0)
                || (state instanceof double[] d && d.length == 0);
        if (empty) {
            throw new IllegalStateException(model.getClass().getSimpleName() + " " + model.uid()
                    + " holds no trained state: it was made with the no-argument constructor (for Spark"
                    + " Connect's service discovery); fit its estimator or load a saved model");
        }
    }
}
