package org.sparkdl.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.cnn.CNNClassifier;
import org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractor;
import org.sparkdl.spark.ml.rnn.RNNSequencer;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainer;

/**
 * Every model scores a streaming DataFrame as it scores the same rows in batch: a Parquet file
 * stream written in three batches goes through one pipeline model (mean subtraction, a CNN, a
 * pretrained encoder's embeddings, a recurrent classifier) into a Parquet sink, and the sink's rows
 * equal the batch output row for row.
 */
class StreamingTest {
    @TempDir
    Path tmp;

    @Test
    void aFileStreamThroughEveryModelEqualsTheBatchOutput() throws Exception {
        SparkSession spark = SparkTestSession.get();
        Dataset<Row> data = SparkTestSession.quadrants(240, 12, 9).withColumn("id", monotonically_increasing_id());
        PipelineModel cnn = new Pipeline()
                .setStages(new PipelineStage[] {
                    new ChannelMeanSubtractor()
                            .setInputCol("features")
                            .setOutputCol("centered")
                            .setInputShape("1,12,12"),
                    new CNNClassifier()
                            .setFeaturesCol("centered")
                            .setInputShape("1,12,12")
                            .setSpec("conv(4,3) relu flatten dense(4)")
                            .setMaxEpochs(1)
                })
                .fit(data);
        PipelineStage ssl = new ContrastivePretrainer()
                .setSpec("conv(4,3) relu flatten dense(8)")
                .setInputShape("1,12,12")
                .setBatchSize(32)
                .setMaxEpochs(1)
                .fit(data);
        PipelineStage rnn = new RNNSequencer()
                .setSequenceShape("12,12")
                .setSpec("gru(8) last dense(4)")
                .setPredictionCol("rnnPrediction")
                .setRawPredictionCol("rnnRaw")
                .setProbabilityCol("rnnProbability")
                .setMaxEpochs(1)
                .fit(data);
        PipelineModel all =
                new Pipeline().setStages(new PipelineStage[] {cnn, ssl, rnn}).fit(data);

        String in = tmp.resolve("in").toString();
        for (int batch = 0; batch < 3; batch++) {
            data.where(col("id").mod(3).equalTo(batch)).write().mode("append").parquet(in);
        }
        Dataset<Row> stream = spark.readStream()
                .schema(data.schema())
                .option("maxFilesPerTrigger", 1)
                .parquet(in);
        assertTrue(stream.isStreaming());
        String sink = tmp.resolve("sink").toString();
        StreamingQuery q = all.transform(stream)
                .select("id", "prediction", "embedding", "rnnPrediction")
                .writeStream()
                .format("parquet")
                .option("path", sink)
                .option("checkpointLocation", tmp.resolve("checkpoint").toString())
                .trigger(Trigger.AvailableNow())
                .start();
        q.awaitTermination();
        assertTrue(q.lastProgress() != null && q.exception().isEmpty(), "the query ended cleanly");

        Map<Long, Row> streamed = byId(spark.read().parquet(sink));
        Map<Long, Row> batch =
                byId(all.transform(spark.read().parquet(in)).select("id", "prediction", "embedding", "rnnPrediction"));
        assertEquals(240, streamed.size());
        assertEquals(batch.keySet(), streamed.keySet());
        for (Long id : batch.keySet()) {
            Row b = batch.get(id);
            Row s = streamed.get(id);
            assertEquals(b.getDouble(1), s.getDouble(1), "prediction of row " + id);
            // rows meet in other batches in the stream, and BLAS sums in another order: equal to float rounding
            assertArrayEquals(((Vector) b.get(2)).toArray(), ((Vector) s.get(2)).toArray(), 1e-5, "embedding " + id);
            assertEquals(b.getDouble(3), s.getDouble(3), "rnnPrediction of row " + id);
        }
    }

    private static Map<Long, Row> byId(Dataset<Row> rows) {
        Map<Long, Row> m = new TreeMap<>();
        List<Row> all = rows.collectAsList();
        for (Row r : all) {
            m.put(r.getLong(0), r);
        }
        return m;
    }
}
