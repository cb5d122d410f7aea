package org.sparkdl.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.sparkdl.spark.SparkTestSession;

class CNNClassifierTest {
    static final String SMALL_CNN = "conv(8,3,pad=1) relu maxpool(2) conv(8,3,pad=1) relu maxpool(2) flatten dense(4)";

    @Test
    void learnsQuadrantsAndOutputsMllibColumns() {
        Dataset<Row> train = SparkTestSession.quadrants(1200, 12, 1);
        Dataset<Row> test = SparkTestSession.quadrants(300, 12, 2);
        CNNClassificationModel model = new CNNClassifier()
                .setSpec(SMALL_CNN)
                .setInputShape("1,12,12")
                .setMaxEpochs(3)
                .setBatchSize(32)
                .setAveragingFrequency(4)
                .setLearningRate(0.01)
                .fit(train);
        Dataset<Row> out = model.transform(test);
        assertTrue(List.of(out.columns())
                .containsAll(List.of("features", "label", "rawPrediction", "probability", "prediction")));
        double acc = new MulticlassClassificationEvaluator()
                .setMetricName("accuracy")
                .evaluate(out);
        assertTrue(acc > 0.9, "accuracy " + acc);
        Row r = out.first();
        Vector p = r.getAs("probability");
        assertEquals(4, p.size());
        assertEquals(1.0, p.toArray()[0] + p.toArray()[1] + p.toArray()[2] + p.toArray()[3], 1e-6);
        assertEquals(p.argmax(), (int) r.<Double>getAs("prediction").doubleValue());
        assertEquals(3, model.summary().totalEpochs());
        assertEquals(4, model.numClasses());
        assertEquals(144, model.numFeatures());
        model.summary().epochs().forEach(System.out::println);
        assertEquals(3, model.summary().toDataFrame(SparkTestSession.get()).count());
    }
}
