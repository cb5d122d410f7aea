package org.sparkdl.spark.ml;

import org.apache.spark.ml.util.MLReader;

/**
 * The name {@link org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel} had in release 0.1.0. Spark finds a saved
 * stage's reader through the class name in its metadata ({@code Pipeline.load},
 * {@code PipelineModel.load}), so stages saved by 0.1.0 load through this class as today's.
 *
 * @deprecated use {@link org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel}
 */
@Deprecated
public final class ChannelMeanSubtractorModel {
    private ChannelMeanSubtractorModel() {}

    public static MLReader<org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel> read() {
        return org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel.read();
    }

    public static org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel load(String path) {
        return read().load(path);
    }
}
