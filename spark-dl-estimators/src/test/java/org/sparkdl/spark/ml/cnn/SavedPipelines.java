package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractor;

/**
 * The saved pipelines of the test resources ({@code saved-0.1.0/}, {@code saved-targets/<target>/}):
 * {@code pipeline/} is a fitted {@code PipelineModel} (a {@code ChannelMeanSubtractor}, then a
 * {@code CNNClassificationModel}) and {@code predictions.csv} what it predicted for {@link #scored}
 * when it was saved: the 4 probabilities and the prediction, one row per line.
 */
final class SavedPipelines {
    private SavedPipelines() {}

    /** The rows every saved pipeline's predictions.csv is about: 20 quadrant images 1×8×8. */
    static org.apache.spark.sql.Dataset<Row> scored() {
        return SparkTestSession.quadrants(20, 8, 11);
    }

    /** Centres the 1×8×8 {@code features} into {@code centered}. */
    static ChannelMeanSubtractor centering() {
        return new ChannelMeanSubtractor()
                .setInputCol("features")
                .setOutputCol("centered")
                .setInputShape("1,8,8");
    }

    /** A network of {@code spec} on {@code centered}, 2 epochs. */
    static CNNClassifier cnnOnCentered(String spec) {
        return new CNNClassifier()
                .setFeaturesCol("centered")
                .setSpec(spec)
                .setInputShape("1,8,8")
                .setMaxEpochs(2);
    }

    /** The pipeline of saved-0.1.0/README.md, fitted as it was then, saved with its predictions in {@code dir}. */
    static void fitAndSave(Path dir) throws IOException {
        PipelineModel fitted = new Pipeline()
                .setStages(new PipelineStage[] {
                    centering(),
                    cnnOnCentered("conv(3,3,pad=1) batchnorm relu maxpool(2) flatten dense(5) relu dense(4)")
                            .setNumPartitions(2)
                })
                .fit(SparkTestSession.quadrants(200, 8, 7));
        fitted.write().save(dir.resolve("pipeline").toString());
        List<String> lines = new ArrayList<>();
        for (Row r : predict(fitted)) {
            StringBuilder line = new StringBuilder();
            for (double p : ((Vector) r.get(0)).toArray()) {
                line.append((float) p).append(',');
            }
            lines.add(line.append(r.getDouble(1)).toString());
        }
        Files.write(dir.resolve("predictions.csv"), lines);
    }

    /** Loads {@code dir/pipeline} and checks that it predicts what {@code dir/predictions.csv} says. */
    static PipelineModel assertLoadsAndPredictsAsSaved(Path dir) throws IOException {
        PipelineModel loaded = PipelineModel.load(dir.resolve("pipeline").toString());
        List<Row> rows = predict(loaded);
        List<String> expected = Files.readAllLines(dir.resolve("predictions.csv"));
        assertEquals(expected.size(), rows.size());
        for (int i = 0; i < rows.size(); i++) {
            String[] want = expected.get(i).split(",");
            double[] p = ((Vector) rows.get(i).get(0)).toArray();
            for (int j = 0; j < p.length; j++) {
                assertEquals(Float.parseFloat(want[j]), p[j], 1e-6, dir + ": row " + i + " probability " + j);
            }
            assertEquals(Double.parseDouble(want[p.length]), rows.get(i).getDouble(1), dir + ": row " + i);
        }
        return loaded;
    }

    private static List<Row> predict(PipelineModel model) {
        return model.transform(scored()).select("probability", "prediction").collectAsList();
    }
}
