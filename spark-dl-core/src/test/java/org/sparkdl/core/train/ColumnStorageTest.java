package org.sparkdl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ColumnStorageTest {
    /** 8-bit pixels scaled to [0, 1] in double then cast, as a Vector column of an image reaches us. */
    private static float[] pixels(int n, int width, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n * width];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextInt(256) / 255.0) - 0.2860f; // minus a channel mean: still 256 values
        }
        return v;
    }

    private static Column build(float[] values, int width, FloatStorage storage) {
        ColumnBuilder b = ColumnBuilder.floats(width, storage);
        for (int i = 0; i < values.length; i += width) {
            b.add(java.util.Arrays.copyOfRange(values, i, i + width));
        }
        return b.build();
    }

    private static float[] gathered(Column c, int[] order) {
        return c.gather(order, 0, order.length, null).floats();
    }

    @Test
    void eightBitValuesAreStoredAsBytesExactly() {
        float[] v = pixels(50, 12, 1);
        Column packed = build(v, 12, FloatStorage.AUTO);
        assertTrue(
                packed.valueBytes() <= v.length + 256L * 4, "one byte a value, plus the table: " + packed.valueBytes());
        assertTrue(packed.toString().startsWith("byte-coded"), packed.toString());
        int[] order = {7, 3, 49, 0, 3};
        assertArrayEquals(gathered(build(v, 12, FloatStorage.FLOAT32), order), gathered(packed, order));
        assertArrayEquals(v, packed.floats());
        assertEquals(build(v, 12, FloatStorage.FLOAT32).sampledHash(3), packed.sampledHash(3), "same fingerprint");
    }

    @Test
    void moreThan256ValuesStayFloatsUnderAutoAndBecomeHalvesUnderFloat16() {
        float[] v = new float[40 * 10];
        SplittableRandom rng = new SplittableRandom(2);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        Column auto = build(v, 10, FloatStorage.AUTO);
        assertEquals(v.length * 4L, auto.valueBytes());
        assertArrayEquals(v, auto.floats());
        Column half = build(v, 10, FloatStorage.FLOAT16);
        assertEquals(v.length * 2L, half.valueBytes());
        int[] order = {39, 0, 5};
        float[] h = gathered(half, order);
        float[] f = gathered(auto, order);
        for (int i = 0; i < f.length; i++) {
            assertEquals(f[i], h[i], Math.abs(f[i]) * 0x1p-11 + 1e-7, "value " + i);
            assertEquals(Half.toFloat(Half.fromFloat(f[i])), h[i]);
        }
    }

    @Test
    void raggedColumnsPackToo() {
        ColumnBuilder b = ColumnBuilder.raggedFloats(FloatStorage.AUTO);
        b.add(new float[] {1, 2, 3});
        b.add(new float[] {4});
        b.add(new float[] {5, 6});
        Column c = b.build();
        assertEquals(6 + 6 * 4, c.valueBytes());
        Column g = c.gather(new int[] {2, 0}, 0, 2, null);
        assertArrayEquals(new float[] {5, 6, 1, 2, 3}, g.floats());
        assertArrayEquals(new int[] {0, 2, 5}, g.offsets());
    }

    @Test
    void miniBatchesOfAPackedBlockReuseTheirFloatBuffers() {
        float[] v = pixels(20, 4, 3);
        Map<String, Column> cols = new LinkedHashMap<>();
        cols.put(Columns.FEATURES, build(v, 4, FloatStorage.AUTO));
        MiniBatches batches = new MiniBatches(new DataBlock(cols));
        float[] first = batches.batch(0, 8).column(Columns.FEATURES).floats();
        float[] second = batches.batch(1, 8).column(Columns.FEATURES).floats();
        assertTrue(first == second, "the batch buffer is reused");
        assertArrayEquals(java.util.Arrays.copyOfRange(v, 8 * 4, 16 * 4), second);
    }
}
