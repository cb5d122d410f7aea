package org.sparkdl.core.train;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training curves as a PNG: two panels side by side, loss on the left and accuracy on the right,
 * each series a line with a legend, epochs on the x axis. Headless-safe (no display needed).
 */
public final class CurvesChart {
    private static final Color[] COLORS = {
        new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44), new Color(214, 39, 40)
    };
    private static final int W = 1000;
    private static final int H = 420;

    private final Map<String, List<Double>> loss = new LinkedHashMap<>();
    private final Map<String, List<Double>> accuracy = new LinkedHashMap<>();
    private final String title;

    public CurvesChart(String title) {
        this.title = title;
    }

    public CurvesChart loss(String name, List<Double> perEpoch) {
        loss.put(name, perEpoch);
        return this;
    }

    public CurvesChart accuracy(String name, List<Double> perEpoch) {
        accuracy.put(name, perEpoch);
        return this;
    }

    public void writePng(OutputStream out) throws IOException {
        PngCanvas canvas = new PngCanvas(W, H, title);
        panel(canvas.graphics(), 0, "loss", loss);
        panel(canvas.graphics(), W / 2, "accuracy", accuracy);
        canvas.writePng(out);
    }

    private static void panel(Graphics2D g, int x0, String label, Map<String, List<Double>> series) {
        int left = x0 + 60;
        int right = x0 + W / 2 - 20;
        int top = 50;
        int bottom = H - 50;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int epochs = 1;
        for (List<Double> s : series.values()) {
            epochs = Math.max(epochs, s.size());
            for (double v : s) {
                if (Double.isFinite(v)) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (!(min <= max)) {
            min = 0;
            max = 1;
        }
        if (max - min < 1e-9) {
            max = min + 1;
        }
        double pad = (max - min) * 0.05;
        min -= pad;
        max += pad;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setColor(new Color(230, 230, 230));
        for (int i = 0; i <= 4; i++) {
            int y = bottom - (bottom - top) * i / 4;
            g.drawLine(left, y, right, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(left, top, right - left, bottom - top);
        for (int i = 0; i <= 4; i++) {
            int y = bottom - (bottom - top) * i / 4;
            g.drawString(String.format(Locale.ROOT, "%.3f", min + (max - min) * i / 4), x0 + 8, y + 4);
        }
        for (int e = 1; e <= epochs; e++) {
            int x = xAt(e, epochs, left, right);
            g.drawString(Integer.toString(e), x - 3, bottom + 15);
        }
        g.drawString("epoch", (left + right) / 2 - 15, bottom + 32);
        g.drawString(label, left, top - 8);
        int k = 0;
        for (Map.Entry<String, List<Double>> s : series.entrySet()) {
            Color c = COLORS[k % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            List<Double> v = s.getValue();
            for (int i = 0; i < v.size(); i++) {
                int x = xAt(i + 1, epochs, left, right);
                int y = (int) Math.round(bottom - (v.get(i) - min) / (max - min) * (bottom - top));
                g.fillOval(x - 3, y - 3, 6, 6);
                if (i > 0) {
                    int px = xAt(i, epochs, left, right);
                    int py = (int) Math.round(bottom - (v.get(i - 1) - min) / (max - min) * (bottom - top));
                    g.drawLine(px, py, x, y);
                }
            }
            g.fillRect(right - 150, top + 10 + 18 * k, 12, 12);
            g.setColor(Color.BLACK);
            g.drawString(s.getKey(), right - 133, top + 21 + 18 * k);
            k++;
        }
    }

    private static int xAt(int epoch, int epochs, int left, int right) {
        return epochs == 1 ? (left + right) / 2 : left + 15 + (right - left - 30) * (epoch - 1) / (epochs - 1);
    }
}
