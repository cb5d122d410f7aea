package org.sparkdl.spark.ml.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.spark.SaveLoad;
import org.sparkdl.spark.SparkTestSession;

class PreprocessingTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void session() {
        SparkTestSession.get();
    }

    @Test
    void channelMeansAndDeviationsAreLearnedPerChannel() throws IOException {
        // Two channels of 2 pixels: channel 0 holds {1,3} and {5,7}; channel 1 holds {10,10} and {20,20}.
        Dataset<Row> data = SparkTestSession.rows(new double[][] {{1, 3, 10, 10}, {5, 7, 20, 20}}, new double[2]);
        ChannelMeanSubtractorModel m = new ChannelMeanSubtractor()
                .setInputShape("2,1,2")
                .setWithStd(true)
                .fit(data);
        assertArrayEquals(new double[] {4, 15}, m.mean(), 1e-6);
        assertArrayEquals(new double[] {Math.sqrt(5), 5}, m.std(), 1e-6);
        Vector first = m.transform(data).select("centered").first().getAs(0);
        assertArrayEquals(new double[] {-3 / Math.sqrt(5), -1 / Math.sqrt(5), -1, -1}, first.toArray(), 1e-6);
        ChannelMeanSubtractorModel noStd =
                new ChannelMeanSubtractor().setInputShape("2,1,2").fit(data);
        assertArrayEquals(new double[] {1, 1}, noStd.std());
        ChannelMeanSubtractorModel loaded = SaveLoad.roundTrip(m, tmp, ChannelMeanSubtractorModel::load);
        assertArrayEquals(m.mean(), loaded.mean());
        SaveLoad.roundTrip(new ChannelMeanSubtractor().setInputShape("2,1,2"), tmp, ChannelMeanSubtractor::load);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ChannelMeanSubtractor().setInputShape("3,1,2").fit(data));
        assertTrue(
                e.getMessage().contains("column 'features'")
                        || e.getCause().getMessage().contains("features"),
                e.getMessage());
        var unset = assertThrows(IllegalArgumentException.class, () -> new ChannelMeanSubtractor().fit(data));
        assertTrue(unset.getMessage().contains("inputShape"), unset.getMessage());
    }

    @Test
    void imagesFromSparksImageSourceBecomeChwVectors() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 4; x++) {
            img.setRGB(x, 0, 0xFF0000); // red top row
            img.setRGB(x, 1, 0x0000FF); // blue bottom row
        }
        ImageIO.write(img, "png", dir.resolve("a.png").toFile());
        Dataset<Row> images = SparkTestSession.get().read().format("image").load(dir.toString());
        Dataset<Row> out = new ImageTensorizer().transform(images);
        double[] v = ((Vector) out.select("features").first().getAs(0)).toArray();
        assertEquals(3 * 2 * 4, v.length);
        // R plane: top row 1, bottom row 0; B plane: top 0, bottom 1.
        assertArrayEquals(new double[] {1, 1, 1, 1, 0, 0, 0, 0}, java.util.Arrays.copyOfRange(v, 0, 8), 1e-9);
        assertArrayEquals(new double[] {0, 0, 0, 0, 1, 1, 1, 1}, java.util.Arrays.copyOfRange(v, 16, 24), 1e-9);
        double[] bgr = ((Vector) new ImageTensorizer()
                        .setChannelOrder("BGR")
                        .transform(images)
                        .select("features")
                        .first()
                        .getAs(0))
                .toArray();
        assertEquals(1.0, bgr[4], 1e-9); // B plane, bottom-left
        double[] gray = ((Vector) new ImageTensorizer()
                        .setChannelOrder("GRAY")
                        .setSize(1, 2)
                        .transform(images)
                        .select("features")
                        .first()
                        .getAs(0))
                .toArray();
        assertEquals(2, gray.length);
        assertEquals((0.299 + 0.114) / 2, gray[0], 1e-9); // the average of a red and a blue row
        SaveLoad.roundTrip(new ImageTensorizer().setSize(8, 8), tmp, ImageTensorizer::load);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> new ImageTensorizer().setInputCol("nope").transform(images));
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
        assertTrue(List.of(out.columns()).contains("image"));
    }
}
