package org.sparkdl.spark.ml.util;

import java.util.List;
import java.util.function.Function;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.sparkdl.spark.persist.StatePersistence;

/**
 * Reads a stage without state (an estimator, a stateless transformer) saved by Spark's default
 * params writer. Unlike MLlib's {@code DefaultParamsReader} it builds the class it was made for,
 * so that a stage saved under the name it had in an earlier release loads as today's class.
 */
public final class StageReader<T extends Params> extends MLReader<T> {
    private final Function<String, T> create;
    private final List<String> classNames;

    /**
     * @param create the stage's {@code (String uid)} constructor
     * @param classNames the class's name now, then names it was saved under before
     */
    public StageReader(Function<String, T> create, List<String> classNames) {
        this.create = create;
        this.classNames = List.copyOf(classNames);
    }

    @Override
    public T load(String path) {
        DefaultParamsReader.Metadata md = StatePersistence.metadata(sparkSession(), path);
        if (!classNames.contains(md.className())) {
            throw new IllegalArgumentException(
                    path + " holds a saved " + md.className() + ", not a " + classNames.get(0));
        }
        T stage = create.apply(md.uid());
        StatePersistence.setParams(stage, md);
        return stage;
    }
}
