package org.sparkdl.spark.ml.cnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.core.spec.SpecException;
import org.sparkdl.spark.SparkTestSession;

/** Each bad input gets an error naming the column or param, before training, and writes nothing. */
class BadInputTest {
    @TempDir
    Path tmp;

    private Path checkpoints;

    @BeforeEach
    void setUp() {
        SparkTestSession.get();
        checkpoints = tmp.resolve("checkpoints");
    }

    private CNNClassifier classifier() {
        return new CNNClassifier()
                .setSpec("flatten dense(4)")
                .setInputShape("1,2,2")
                .setMaxEpochs(1)
                .setCheckpointDir(checkpoints.toString());
    }

    private static double[][] rows(int n, double value) {
        double[][] x = new double[n][4];
        for (double[] r : x) {
            java.util.Arrays.fill(r, value);
        }
        return x;
    }

    private void assertFails(Dataset<Row> data, CNNClassifier c, String... fragments) {
        Exception e = assertThrows(IllegalArgumentException.class, () -> c.fit(data));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
        assertFalse(Files.exists(checkpoints), "a failed fit must not leave a checkpoint");
    }

    @Test
    void nanOrInfiniteFeatures() {
        double[][] x = rows(8, 0.5);
        x[5][2] = Double.NaN;
        assertFails(SparkTestSession.rows(x, new double[8]), classifier(), "column 'features'", "NaN", "index 2");
        x[5][2] = Double.POSITIVE_INFINITY;
        assertFails(SparkTestSession.rows(x, new double[8]), classifier(), "column 'features'", "Infinity");
    }

    @Test
    void wrongVectorLengthForInputShape() {
        assertFails(
                SparkTestSession.rows(rows(8, 0.5), new double[8]),
                classifier().setInputShape("1,3,3"),
                "column 'features'",
                "size 4",
                "needs 9");
    }

    @Test
    void labelsThatAreNotClassIndices() {
        double[] labels = {0, 1, 2, 3, 2.5, 0, 1, 2};
        assertFails(SparkTestSession.rows(rows(8, 0.5), labels), classifier(), "column 'label'", "2.5", "[0, 4)");
        labels[4] = 7;
        assertFails(SparkTestSession.rows(rows(8, 0.5), labels), classifier(), "column 'label'", "7.0");
        labels[4] = -1;
        assertFails(SparkTestSession.rows(rows(8, 0.5), labels), classifier(), "column 'label'", "-1.0");
    }

    @Test
    void emptyData() {
        assertFails(SparkTestSession.rows(new double[0][], new double[0]), classifier(), "empty", "'features'");
        assertFails(
                SparkTestSession.rows(new double[0][], new double[0]),
                classifier().setInputShape(""),
                "empty");
    }

    @Test
    void specThatDoesNotFitTheInputShape() {
        SpecException e = assertThrows(
                SpecException.class,
                () -> classifier()
                        .setSpec("conv(4,3) relu flatten dense(4)")
                        .setInputShape("4")
                        .fit(SparkTestSession.rows(rows(8, 0.5), new double[8])));
        assertTrue(
                e.getMessage().contains("param spec") && e.getMessage().contains("token 1 'conv(4,3)'"),
                e.getMessage());
        assertFalse(Files.exists(checkpoints));
        SpecException one = assertThrows(
                SpecException.class,
                () -> classifier().setSpec("flatten dense(1)").fit(SparkTestSession.rows(rows(8, 0.5), new double[8])));
        assertTrue(one.getMessage().contains("at least 2"), one.getMessage());
    }

    @Test
    void missingColumns() {
        Dataset<Row> data = SparkTestSession.rows(rows(8, 0.5), new double[8]);
        Exception e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier().setFeaturesCol("pixels").fit(data));
        assertTrue(e.getMessage().contains("pixels"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier().setValidationIndicatorCol("isVal").fit(data));
        assertTrue(e.getMessage().contains("validationIndicatorCol 'isVal' does not exist"), e.getMessage());
    }

    @Test
    void moreLabelClassesThanSpecOutputs() {
        Dataset<Row> data = SparkTestSession.rows(rows(8, 0.5), new double[8]);
        Dataset<Row> withMeta = data.withColumn(
                "label",
                data.col("label")
                        .as(
                                "label",
                                NominalAttribute.defaultAttr().withNumValues(6).toMetadata()));
        Exception e =
                assertThrows(IllegalArgumentException.class, () -> classifier().fit(withMeta));
        assertTrue(e.getMessage().contains("6 classes") && e.getMessage().contains("dense(6)"), e.getMessage());
    }

    @Test
    void badParamValuesNameTheParam() {
        Exception e = assertThrows(IllegalArgumentException.class, () -> new CNNClassifier().setLearningRate(-1));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CNNClassifier().setOptimizer("adamax"));
        assertTrue(e.getMessage().contains("optimizer"), e.getMessage());
        e = assertThrows(SpecException.class, () -> new CNNClassifier().setSpec("conv(32,x)"));
        assertTrue(e.getMessage().contains("token 1 'conv(32,x)'"), e.getMessage());
        // Through Spark's own Params.set, as Spark Connect's ML server and a loading reader set params: the reason too.
        CNNClassifier viaSpark = new CNNClassifier();
        e = assertThrows(IllegalArgumentException.class, () -> viaSpark.set(viaSpark.spec(), "conv(32,x)"));
        assertTrue(
                e.getMessage().contains("param spec 'conv(32,x)' is not valid")
                        && e.getMessage().contains("token 1 'conv(32,x)'"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CNNClassifier().setInputShape("1,a"));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CNNClassifier().setBackend("cuda"));
        assertTrue(e.getMessage().contains("backend"), e.getMessage());
        e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier().setWeightDecay(0.1).fit(SparkTestSession.rows(rows(8, 0.5), new double[8])));
        assertTrue(e.getMessage().contains("weightDecay"), e.getMessage());
    }

    /** The row's position in the input DataFrame, even after the fit repartitions it. */
    @Test
    void aBadRowIsReportedByItsPositionInTheInput() {
        double[][] x = rows(400, 0.5);
        x[299][2] = Double.NaN;
        Dataset<Row> data =
                SparkTestSession.rows(x, new double[400]).repartition(4).sortWithinPartitions("label");
        java.util.List<Row> all = data.collectAsList();
        int at = -1;
        for (int i = 0; i < all.size(); i++) {
            org.apache.spark.ml.linalg.Vector v = all.get(i).getAs("features");
            if (Double.isNaN(v.apply(2))) {
                at = i;
            }
        }
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> classifier().setNumPartitions(3).fit(data));
        assertTrue(e.getMessage().contains("in row " + at + ";"), "row " + at + ": " + e.getMessage());
    }

    /** learningRate 100 with Adam: the fit stops with the divergence message, from the driver. */
    @Test
    void divergenceStopsTheFitWithOneClearMessage() {
        var e = assertThrows(
                ArithmeticException.class,
                () -> new org.sparkdl.spark.ml.cnn.CNNClassifier()
                        .setSpec("flatten dense(32) relu dense(4)")
                        .setInputShape("1,8,8")
                        .setLearningRate(100)
                        .setMaxEpochs(3)
                        .setNumPartitions(2)
                        .fit(SparkTestSession.quadrants(400, 8, 1)));
        assertTrue(
                e.getMessage().startsWith("training diverged in epoch 1, round 1")
                        && e.getMessage().contains("Lower learningRate"),
                e.getMessage());
        // The same fit with divergenceFactor raised past the loss it reached runs to the end (the loss stays finite).
        assertEquals(
                3,
                new org.sparkdl.spark.ml.cnn.CNNClassifier()
                        .setSpec("flatten dense(32) relu dense(4)")
                        .setInputShape("1,8,8")
                        .setLearningRate(100)
                        .setMaxEpochs(3)
                        .setNumPartitions(2)
                        .setDivergenceFactor(1e12)
                        .fit(SparkTestSession.quadrants(400, 8, 1))
                        .summary()
                        .totalEpochs());
    }
}
