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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.sparkdl.core.train.PngCanvas;

/**
 * Draws {@code bench/scaling_model.py}'s projection: the seconds of one averaging round against the
 * number of executors, both axes logarithmic, for each model, with Spark's broadcast + tree
 * reduction (solid) and a ring all-reduce (dashed) side by side.
 *
 * <p>Usage: {@code ScalingProjectionChart projection.tsv out.png}
 */
public final class ScalingProjectionChart {
    private static final int W = 900;
    private static final int H = 520;
    private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44)};

    private ScalingProjectionChart() {}

    /** One projected round: executors, seconds with broadcast + tree, seconds with a ring. */
    record Round(int executors, double tree, double ring) {}

    public static void main(String[] args) throws IOException {
        Map<String, List<Round>> models = read(Path.of(args[0]));
        PngCanvas canvas =
                new PngCanvas(W, H, "One averaging round, projected: broadcast + treeReduce vs ring all-reduce");
        Graphics2D g = canvas.graphics();
        int left = 80;
        int right = W - 30;
        int top = 60;
        int bottom = H - 110;
        double xMin = Math.log(2);
        double xMax = Math.log(256);
        double yMin = Math.log(0.01);
        double yMax = Math.log(100);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        for (double y : new double[] {0.01, 0.1, 1, 10, 100}) {
            int py = (int) (bottom - (Math.log(y) - yMin) / (yMax - yMin) * (bottom - top));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, py, right, py);
            g.setColor(Color.BLACK);
            g.drawString(
                    String.format(Locale.ROOT, "%s s", y < 1 ? Double.toString(y) : Integer.toString((int) y)),
                    20,
                    py + 4);
        }
        for (int x : new int[] {2, 8, 16, 64, 256}) {
            int px = (int) (left + (Math.log(x) - xMin) / (xMax - xMin) * (right - left));
            g.setColor(new Color(230, 230, 230));
            g.drawLine(px, top, px, bottom);
            g.setColor(Color.BLACK);
            g.drawString(Integer.toString(x), px - 6, bottom + 16);
        }
        g.drawRect(left, top, right - left, bottom - top);
        g.drawString("executors (one core and a 10 Gbit/s network card each)", (left + right) / 2 - 150, bottom + 34);
        int i = 0;
        for (Map.Entry<String, List<Round>> m : models.entrySet()) {
            Color c = COLORS[i % COLORS.length];
            for (boolean ring : new boolean[] {false, true}) {
                g.setColor(c);
                g.setStroke(
                        ring
                                ? new BasicStroke(
                                        2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {7, 5}, 0)
                                : new BasicStroke(2.5f));
                int[] xs = new int[m.getValue().size()];
                int[] ys = new int[xs.length];
                for (int k = 0; k < xs.length; k++) {
                    Round r = m.getValue().get(k);
                    xs[k] = (int) (left + (Math.log(r.executors()) - xMin) / (xMax - xMin) * (right - left));
                    ys[k] = (int)
                            (bottom - (Math.log(ring ? r.ring() : r.tree()) - yMin) / (yMax - yMin) * (bottom - top));
                }
                g.drawPolyline(xs, ys, xs.length);
            }
            int ly = bottom + 56 + 16 * (i % 3);
            g.setStroke(new BasicStroke(2.5f));
            g.drawLine(left, ly - 4, left + 30, ly - 4);
            g.setColor(Color.BLACK);
            g.drawString(m.getKey(), left + 38, ly);
            i++;
        }
        g.drawString("solid: broadcast + treeReduce (today)    dashed: ring all-reduce", right - 380, top - 8);
        try (OutputStream out = Files.newOutputStream(Path.of(args[1]))) {
            canvas.writePng(out);
        }
    }

    static Map<String, List<Round>> read(Path tsv) throws IOException {
        Map<String, List<Round>> models = new LinkedHashMap<>();
        for (String line : Files.readAllLines(tsv)) {
            String[] f = line.split("\t");
            if (f.length == 4 && f[1].matches("\\d+")) {
                models.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new Round(Integer.parseInt(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3])));
            }
        }
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no rows 'model executors tree_s ring_s' in " + tsv);
        }
        return models;
    }
}
