package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.junit.jupiter.api.Test;
import org.sparkdl.spark.SparkTestSession;

/** CNNClassifier under MLlib's CrossValidator, with a grid over spark-dl params. */
class CrossValidatorTest {
    @Test
    void picksTheBetterLearningRate() {
        CNNClassifier cnn = new CNNClassifier()
                .setSpec("conv(4,3,pad=1) relu maxpool(2) flatten dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(2)
                .setBatchSize(16);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(cnn.learningRate(), new double[] {1e-7, 0.01})
                .build();
        CrossValidatorModel cv = new CrossValidator()
                .setEstimator(cnn)
                .setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
                .setNumFolds(2)
                .setSeed(1)
                .fit(SparkTestSession.quadrants(300, 8, 12));
        assertEquals(2, cv.avgMetrics().length);
        assertTrue(cv.avgMetrics()[1] > cv.avgMetrics()[0] + 0.2, java.util.Arrays.toString(cv.avgMetrics()));
        CNNClassificationModel best = (CNNClassificationModel) cv.bestModel();
        assertEquals(0.01, best.getLearningRate());
    }
}
