package org.sparkdl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The branch-free max-pooling loops against a plain reference, on the values that make them tricky. */
class MaxPoolTest {
    /** Straightforward reference: first strict maximum of each window, NaN wins. */
    private static void reference(PoolGeometry g, float[] x, float[] y, int[] argmax) {
        int oh = g.outH();
        int ow = g.outW();
        for (int plane = 0; plane < g.batch() * g.channels(); plane++) {
            int in = plane * g.height() * g.width();
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = -1;
                    for (int ki = 0; ki < g.kernel(); ki++) {
                        for (int kj = 0; kj < g.kernel(); kj++) {
                            int i = in + (oy * g.stride() + ki) * g.width() + ox * g.stride() + kj;
                            if (best < 0 || Float.isNaN(x[i]) && !Float.isNaN(x[best]) || x[i] > x[best]) {
                                best = i;
                            }
                        }
                    }
                    int o = plane * oh * ow + oy * ow + ox;
                    y[o] = x[best];
                    argmax[o] = best;
                }
            }
        }
    }

    private static float[] values(int n, long seed) {
        Random r = new Random(seed);
        float[] pool = {0f, -0f, 1f, -1f, 2.5f, -3.25f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1e-38f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            // many ties and zeros (after a ReLU most of a window can be 0), negative numbers
            x[i] = r.nextInt(3) == 0 ? (float) r.nextGaussian() : pool[r.nextInt(pool.length)];
        }
        return x;
    }

    @Test
    void bothLoopsMatchTheReferenceIncludingTiesAndNegatives() {
        for (int[] shape :
                new int[][] {{2, 3, 8, 6, 2, 2}, {1, 2, 9, 7, 2, 2}, {2, 2, 9, 9, 3, 2}, {1, 3, 7, 8, 3, 1}}) {
            PoolGeometry g = new PoolGeometry(shape[0], shape[1], shape[2], shape[3], shape[4], shape[5]);
            float[] x = values(g.inputSize(), shape[2]);
            float[] y1 = new float[g.outputSize()];
            int[] a1 = new int[g.outputSize()];
            reference(g, x, y1, a1);
            float[] y2 = new float[g.outputSize()];
            int[] a2 = new int[g.outputSize()];
            MaxPool.forward(g, x, y2, a2, 0, g.batch() * g.channels());
            assertArrayEquals(a1, a2, "general loop argmax");
            assertArrayEquals(y1, y2, "general loop max");
            if (g.kernel() == 2 && g.stride() == 2) {
                float[] y3 = new float[g.outputSize()];
                int[] a3 = new int[g.outputSize()];
                MaxPool.forward2x2(g, x, y3, a3, 0, g.batch() * g.channels());
                assertArrayEquals(a1, a3, "2x2 loop argmax");
                assertArrayEquals(y1, y3, "2x2 loop max");
            }
        }
    }

    @Test
    void nanPropagates() {
        PoolGeometry g = new PoolGeometry(1, 1, 2, 2, 2, 2);
        float[] y = new float[1];
        int[] a = new int[1];
        MaxPool.forward2x2(g, new float[] {1f, Float.NaN, 3f, 2f}, y, a, 0, 1);
        assertTrue(Float.isNaN(y[0]));
        assertEquals(1, a[0]);
    }

    @Test
    void keysOrderLikeFloats() {
        float[] ordered = {-Float.MAX_VALUE, -1f, -Float.MIN_VALUE, 0f, Float.MIN_VALUE, 1f, Float.MAX_VALUE};
        for (int i = 1; i < ordered.length; i++) {
            assertTrue(MaxPool.key(ordered[i - 1]) < MaxPool.key(ordered[i]), ordered[i - 1] + " < " + ordered[i]);
        }
        assertEquals(MaxPool.key(0f), MaxPool.key(-0f), "-0 and +0 tie");
    }

    @Test
    void signedZerosTieAndTheFirstWins() {
        PoolGeometry g = new PoolGeometry(1, 2, 2, 2, 2, 2);
        float[] x = {-0f, 0f, -1f, -2f, 0f, -0f, -3f, -0f};
        float[] y = new float[2];
        int[] a = new int[2];
        MaxPool.forward2x2(g, x, y, a, 0, 2);
        assertArrayEquals(new int[] {0, 4}, a);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(y[0]));
        MaxPool.forward(g, x, y, a, 0, 2);
        assertArrayEquals(new int[] {0, 4}, a);
    }
}
