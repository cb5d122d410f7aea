package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.train.FloatStorage;

/**
 * The params of how the training data is packed and held: the chunk size and the storage of
 * feature values, each declared once with its doc, validator and default. One instance per stage.
 */
public final class PackingParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final DoubleParam maxBlockSizeInMB;
    final Param<String> featureStorage;

    PackingParams(Params p) {
        maxBlockSizeInMB = new DoubleParam(
                p,
                "maxBlockSizeInMB",
                "maximum size in MB of one packed block of training data (a cached Spark partition, at 4 bytes a"
                        + " value): data larger than numPartitions such blocks is split into more, each replica"
                        + " training on its own blocks in turn, and blocks that do not fit in storage memory spill to"
                        + " disk; 0 = 64 MB (>= 0)",
                Validators.doubleAtLeast(0));
        featureStorage = new Param<>(
                p,
                "featureStorage",
                "how packed feature values are held between mini-batches: auto (a column of at most 256 distinct"
                        + " values, such as 8-bit pixels, as one byte per value, exactly; others as 32-bit floats),"
                        + " float16 (as auto, others as half-precision floats: half the memory, 11 significant bits)"
                        + " or float32",
                Validators.oneOf(Arrays.stream(FloatStorage.values())
                        .map(FloatStorage::paramValue)
                        .toList()));

        p.setDefault(maxBlockSizeInMB, 0.0);
        p.setDefault(featureStorage, FloatStorage.AUTO.paramValue());
    }
}
