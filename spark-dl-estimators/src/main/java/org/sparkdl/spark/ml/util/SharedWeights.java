package org.sparkdl.spark.ml.util;

import java.io.Serializable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.sparkdl.core.train.PackedFloats;

/**
 * A model's weights as a scoring closure carries them: a broadcast handle, fetched once per
 * executor, instead of the array itself, which Spark would otherwise serialise into every task of
 * every scoring job (3.3 MiB for CNN-S, 100 MB for a 25 M-parameter network). Spark's context
 * cleaner removes the broadcast once the Dataset or SQL function that holds it is gone.
 */
public final class SharedWeights implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Broadcast<PackedFloats> broadcast;

    private SharedWeights(Broadcast<PackedFloats> broadcast) {
        this.broadcast = broadcast;
    }

    /** Broadcasts {@code weights} (not copied: they must not change while a scoring job runs). */
    public static SharedWeights broadcast(SparkSession spark, float[] weights) {
        return new SharedWeights(
                JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new PackedFloats(weights)));
    }

    /** The weights; on an executor, fetched the first time. Do not modify. */
    public float[] get() {
        return broadcast.value().values();
    }
}
