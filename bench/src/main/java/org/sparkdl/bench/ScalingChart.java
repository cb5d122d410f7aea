package org.sparkdl.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.sparkdl.core.train.PngCanvas;

/**
 * Draws {@code bench/scaling.sh}'s table as stacked bars: the epoch's seconds split into local
 * compute and the rest (broadcast, aggregation, scheduling: the "averaging overhead" the trainer
 * reports), against averagingFrequency (2 partitions) and against partitions (frequency 16).
 *
 * <p>Usage: {@code ScalingChart table.txt out.png}
 */
public final class ScalingChart {
    private static final int W = 1000;
    private static final int H = 440;
    private static final Color COMPUTE = new Color(31, 119, 180);
    private static final Color OVERHEAD = new Color(255, 127, 14);

    private ScalingChart() {}

    /** One row of the table: averagingFrequency, partitions, epoch seconds, images/s, overhead share. */
    record Point(int averaging, int partitions, double seconds, double imagesPerSecond, double overhead) {}

    public static void main(String[] args) throws IOException {
        List<Point> points = read(Path.of(args[0]));
        List<Point> byAveraging = new ArrayList<>();
        List<Point> byPartitions = new ArrayList<>();
        for (Point p : points) {
            if (p.partitions() == 2) {
                byAveraging.add(p);
            }
            if (p.averaging() == 16) {
                byPartitions.add(p);
            }
        }
        byPartitions.sort((a, b) -> Integer.compare(a.partitions(), b.partitions()));
        PngCanvas canvas =
                new PngCanvas(W, H, "CNNClassifier epoch time on local[2]: local compute vs broadcast + aggregation");
        double max = points.stream().mapToDouble(Point::seconds).max().orElse(1) * 1.15;
        panel(canvas.graphics(), 0, "averagingFrequency (2 partitions)", byAveraging, true, max);
        panel(canvas.graphics(), W / 2, "partitions (averagingFrequency 16)", byPartitions, false, max);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            canvas.writePng(out);
        }
    }

    static List<Point> read(Path table) throws IOException {
        List<Point> points = new ArrayList<>();
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && f[0].matches("\\d+")) {
                points.add(new Point(
                        Integer.parseInt(f[0]),
                        Integer.parseInt(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        Double.parseDouble(f[4].replace("%", "")) / 100));
            }
        }
        if (points.isEmpty()) {
            throw new IllegalArgumentException(
                    "no rows like 'averaging partitions seconds images/s overhead%' in " + table);
        }
        return points;
    }

    private static void panel(Graphics2D g, int x0, String label, List<Point> points, boolean byAveraging, double max) {
        int left = x0 + 60;
        int right = x0 + W / 2 - 20;
        int top = 60;
        int bottom = H - 60;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (int i = 0; i <= 4; i++) {
            int y = bottom - (bottom - top) * i / 4;
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, y, right, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.0f s", max * i / 4), x0 + 14, y + 4);
        }
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString(label, (left + right) / 2 - 90, bottom + 40);
        int slot = (right - left) / Math.max(1, points.size());
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            int x = left + slot * i + slot / 4;
            int w = slot / 2;
            int total = (int) Math.round(p.seconds() / max * (bottom - top));
            int rest = (int) Math.round(p.seconds() * p.overhead() / max * (bottom - top));
            g.setColor(COMPUTE);
            g.fillRect(x, bottom - (total - rest), w, total - rest);
            g.setColor(OVERHEAD);
            g.fillRect(x, bottom - total, w, rest);
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x, bottom - total, w, total);
            g.drawString(
                    String.format(Locale.ROOT, "%.0f img/s, %.0f%%", p.imagesPerSecond(), 100 * p.overhead()),
                    x - 12,
                    bottom - total - 6);
            g.drawString(Integer.toString(byAveraging ? p.averaging() : p.partitions()), x + w / 2 - 6, bottom + 16);
        }
        g.setColor(COMPUTE);
        g.fillRect(right - 250, top + 10, 12, 12);
        g.setColor(OVERHEAD);
        g.fillRect(right - 250, top + 28, 12, 12);
        g.setColor(Color.BLACK);
        g.drawString("local compute", right - 233, top + 21);
        g.drawString("broadcast + aggregation + scheduling", right - 233, top + 39);
    }
}
