package org.sparkdl.core.train;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/** A white, antialiased, headless-safe image with a title, written out as PNG: what every chart starts from. */
public final class PngCanvas {
    private final BufferedImage image;
    private final Graphics2D graphics;

    public PngCanvas(int width, int height, String title) {
        System.setProperty("java.awt.headless", "true");
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
        graphics.setColor(Color.BLACK);
        graphics.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        graphics.drawString(title, 20, 24);
    }

    public Graphics2D graphics() {
        return graphics;
    }

    public void writePng(OutputStream out) throws IOException {
        graphics.dispose();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available");
        }
    }
}
