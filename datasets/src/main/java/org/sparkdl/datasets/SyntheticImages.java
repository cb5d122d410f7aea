package org.sparkdl.datasets;

import java.util.SplittableRandom;

/**
 * Small synthetic image tasks for tests: a bright square on noise, labelled by the quadrant that
 * holds it. A CNN separates the classes within an epoch or two; a linear model cannot.
 */
public final class SyntheticImages {
    private SyntheticImages() {}

    /** Images 1×size×size (size even, at least 8) and labels 0..3. */
    public record Set(float[] pixels, int[] labels, int size) {
        public int count() {
            return labels.length;
        }
    }

    public static Set quadrants(int n, int size, long seed) {
        if (size < 8 || size % 2 != 0) {
            throw new IllegalArgumentException("size must be even and at least 8, got " + size);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int per = size * size;
        int half = size / 2;
        float[] x = new float[n * per];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int q = rng.nextInt(4);
            y[i] = q;
            for (int p = 0; p < per; p++) {
                x[i * per + p] = (float) rng.nextDouble(0, 0.3);
            }
            int r0 = (q / 2) * half + rng.nextInt(half - 2);
            int c0 = (q % 2) * half + rng.nextInt(half - 2);
            for (int r = r0; r < r0 + 3; r++) {
                for (int c = c0; c < c0 + 3; c++) {
                    x[i * per + r * size + c] = 1f;
                }
            }
        }
        return new Set(x, y, size);
    }
}
