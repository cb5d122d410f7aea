package org.sparkdl.spark.ml;

import org.apache.spark.ml.util.MLReader;

/**
 * The name {@link org.sparkdl.spark.ml.cnn.CNNClassifier} had in release 0.1.0. Spark finds a saved
 * stage's reader through the class name in its metadata ({@code Pipeline.load},
 * {@code PipelineModel.load}), so stages saved by 0.1.0 load through this class as today's.
 *
 * @deprecated use {@link org.sparkdl.spark.ml.cnn.CNNClassifier}
 */
@Deprecated
public final class CNNClassifier {
    private CNNClassifier() {}

    public static MLReader<org.sparkdl.spark.ml.cnn.CNNClassifier> read() {
        return org.sparkdl.spark.ml.cnn.CNNClassifier.read();
    }

    public static org.sparkdl.spark.ml.cnn.CNNClassifier load(String path) {
        return read().load(path);
    }
}
