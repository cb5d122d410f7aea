package org.sparkdl.spark.ml.cnn;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.sparkdl.spark.SparkTestSession;

/** A trained model scored from Spark SQL gives what {@code transform} gives. */
class SqlFunctionTest {
    @Test
    void sqlPredictionsAndProbabilitiesEqualTransform() {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> data =
                SparkTestSession.quadrants(400, 8, 11).withColumn("id", functions.monotonically_increasing_id());
        CNNClassificationModel model = new CNNClassifier()
                .setSpec("flatten dense(16) relu dense(4)")
                .setInputShape("1,8,8")
                .setMaxEpochs(2)
                .setBatchSize(32)
                .setThresholds(new double[] {1, 1, 1, 2}) // the SQL function honours them as transform does
                .fit(data);
        model.registerUdf(spark, "quadrant");
        data.createOrReplaceTempView("images");
        List<Row> sql = spark.sql("SELECT id, quadrant(features) AS p, quadrant_probability(features) AS prob"
                        + " FROM images ORDER BY id")
                .collectAsList();
        List<Row> batch = model.transform(data)
                .orderBy("id")
                .select("prediction", "probability")
                .collectAsList();
        assertEquals(batch.size(), sql.size());
        int differentFromArgmax = 0;
        for (int i = 0; i < sql.size(); i++) {
            assertEquals(batch.get(i).getDouble(0), sql.get(i).getDouble(1), "row " + i);
            Vector expected = batch.get(i).getAs(1);
            Vector actual = sql.get(i).getAs(2);
            for (int k = 0; k < 4; k++) {
                assertEquals(expected.apply(k), actual.apply(k), 1e-6, "row " + i + " class " + k);
            }
            differentFromArgmax += actual.argmax() != (int) sql.get(i).getDouble(1) ? 1 : 0;
        }
        assertTrue(differentFromArgmax > 0, "thresholds never changed a prediction: the test shows nothing");

        // Null in, null out; a vector of the wrong size names the function, the column and the size expected.
        Dataset<Row> nulls =
                spark.range(1).select(lit(null).cast(SQLDataTypes.VectorType()).as("features"));
        assertNull(
                nulls.select(call_function("quadrant", col("features"))).first().get(0));
        Dataset<Row> small = spark.range(1)
                .select(org.apache
                        .spark
                        .ml
                        .functions
                        .array_to_vector(array(lit(1.0), lit(2.0)))
                        .as("features"));
        Exception e = assertThrows(
                Exception.class,
                () -> small.select(call_function("quadrant", col("features"))).collect());
        assertTrue(
                String.valueOf(firstBadInputMessage(e))
                                .contains("SQL function quadrant: column 'features' has a vector of size 2")
                        && firstBadInputMessage(e).contains("needs 64"),
                firstBadInputMessage(e));
        IllegalArgumentException badName =
                assertThrows(IllegalArgumentException.class, () -> model.registerUdf(spark, "2x; DROP"));
        assertTrue(badName.getMessage().contains("'2x; DROP'"), badName.getMessage());
    }

    private static String firstBadInputMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException) {
                return t.getMessage();
            }
        }
        return e.getMessage();
    }
}
