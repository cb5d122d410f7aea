package org.sparkdl.core.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PackedFloatsTest {
    @ParameterizedTest(name = "{0} floats")
    @ValueSource(ints = {-1, 0, 1, 7, 262_144, 262_147, 600_001})
    void roundTripKeepsEveryBit(int length) throws Exception {
        float[] values = length < 0 ? null : new float[length];
        if (values != null) {
            SplittableRandom rng = new SplittableRandom(length);
            for (int i = 0; i < length; i++) {
                values[i] = (float) rng.nextGaussian();
            }
            if (length > 3) {
                values[0] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
                values[1] = -0f;
                values[2] = Float.NEGATIVE_INFINITY;
                values[length - 1] = Float.MIN_VALUE;
            }
        }
        float[] back = roundTrip(new PackedFloats(values)).values();
        if (values == null) {
            assertNull(back);
            return;
        }
        assertEquals(values.length, back.length);
        for (int i = 0; i < length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]), "bits at " + i);
        }
    }

    @ParameterizedTest(name = "weights {0} and 3")
    @ValueSource(ints = {3, 5})
    void roundResultsTravelAndAverage(int weightA) throws Exception {
        RoundResult a = new RoundResult(new float[] {1f, -2f, 4f}, weightA, 0.5, 2, 10, 1.0);
        RoundResult b = roundTrip(new RoundResult(new float[] {3f, 2f, 0f}, 3, 0.25, 1, 4, 2.0));
        RoundResult m = roundTrip(RoundResult.merge(a, b));
        double w = weightA + 3;
        float[] expected = {
            (float) ((weightA * 1.0 + 3 * 3.0) / w),
            (float) ((weightA * -2.0 + 3 * 2.0) / w),
            (float) (weightA * 4.0 / w)
        };
        assertArrayEquals(expected, m.state(), 1e-7f);
        assertEquals(weightA + 3, m.weight());
        assertEquals(0.75, m.lossSum());
        assertEquals(3, m.steps());
        assertEquals(14, m.correct());
        assertNull(roundTrip(RoundResult.nothing()).state());
    }

    @org.junit.jupiter.api.Test
    void aCorruptLengthIsAnError() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new PackedFloats(new float[] {1f}));
        }
        byte[] b = bytes.toByteArray();
        // ... length (int 1), the float's 4 bytes, the end-of-block-data marker: make the length -5
        int at = b.length - 1 - 4 - 4;
        assertEquals(1, b[at + 3]);
        b[at] = (byte) 0xff;
        b[at + 1] = (byte) 0xff;
        b[at + 2] = (byte) 0xff;
        b[at + 3] = (byte) 0xfb;
        IOException e =
                assertThrows(IOException.class, () -> new ObjectInputStream(new ByteArrayInputStream(b)).readObject());
        assertEquals("corrupt float array length -5", e.getMessage());
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
