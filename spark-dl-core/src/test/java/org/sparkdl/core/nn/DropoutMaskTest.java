package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkdl.core.tensor.Tensor;

/** Dropout's counter-based draws: uniform, different per key, and what the layer drops. */
class DropoutMaskTest {
    @Test
    void drawsAreUniformAndDifferPerKey() {
        int n = 200_000;
        int[] bins = new int[10];
        int same = 0;
        for (int i = 0; i < n; i++) {
            float u = DropoutMask.uniform(42L, i);
            assertTrue(u >= 0f && u < 1f, "in [0, 1): " + u);
            bins[(int) (u * 10)]++;
            if (u == DropoutMask.uniform(43L, i)) {
                same++;
            }
        }
        for (int b = 0; b < 10; b++) {
            assertEquals(n / 10.0, bins[b], 5 * Math.sqrt(n / 10.0), "tenth " + b + " holds its share");
        }
        assertTrue(same < 100, "another key gives other draws: " + same + " equal");
        assertNotEquals(DropoutMask.uniform(1L << 32, 0), DropoutMask.uniform(0L, 0), "the key's high word counts");
    }

    @Test
    void theLayerDropsWhereItsKeysDrawBelowP() {
        Dropout layer = new Dropout(0.3f, 5);
        Dropout twin = new Dropout(0.3f, 5);
        float[] ones = new float[1000];
        java.util.Arrays.fill(ones, 1f);
        float[] y = layer.forward(Tensor.of(ones, 10, 100), true).data();
        long key = twin.nextMaskKey();
        int dropped = 0;
        for (int i = 0; i < y.length; i++) {
            boolean drop = DropoutMask.uniform(key, i) < 0.3f;
            assertEquals(drop ? 0f : 1f / 0.7f, y[i], 1e-6, "element " + i);
            dropped += drop ? 1 : 0;
        }
        assertEquals(300, dropped, 45, "about p of the values dropped");
    }
}
