package org.sparkdl.spark;

import static org.apache.spark.sql.functions.spark_partition_id;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sparkdl.datasets.FashionMnist;
import org.sparkdl.datasets.FashionMnistFrames;

/** Fashion-MNIST shipped to the executors as bytes gives the rows, and partitions, that rows of doubles give. */
class FashionMnistFramesTest {
    @Test
    void bytesWidenedOnTheExecutorsEqualRowsBuiltOnTheDriver() throws Exception {
        Assumptions.assumeTrue(
                Files.isDirectory(FashionMnist.DEBIAN_DIR),
                "dataset-fashion-mnist is not installed (.ci/run installs it)");
        SparkSession spark = SparkTestSession.get();
        FashionMnist.Images images = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST)
                .head(2_345);
        Dataset<Row> fromBytes =
                FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST, 2_345);
        Dataset<Row> fromRows =
                FashionMnistFrames.toFrame(spark, images.pixels(), images.labels(), FashionMnist.PIXELS);
        List<Row> a = fromBytes.withColumn("part", spark_partition_id()).collectAsList();
        List<Row> b = fromRows.withColumn("part", spark_partition_id()).collectAsList();
        assertEquals(2_345, a.size());
        assertEquals(b, a);
    }
}
