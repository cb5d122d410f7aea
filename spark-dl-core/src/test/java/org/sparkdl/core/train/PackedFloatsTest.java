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

    private static final StateLayout LAYOUT = StateLayout.of(
            new StateSlot("w", 3, MergeRule.AVERAGE),
            new StateSlot("count", 1, MergeRule.SUM),
            new StateSlot("queue", 2, MergeRule.LOCAL));

    private static RoundResult result(int partition, float[] w, float count, float[] queue, long weight, double loss) {
        float[][] before = {new float[3], {10f}, new float[2]};
        float[][] after = {w, {10f + count}, queue};
        return RoundResult.of(LAYOUT, partition, before, after, weight, new Figures().add(Figures.LOSS_SUM, loss), 1.0);
    }

    @ParameterizedTest(name = "weights {0} and 3")
    @ValueSource(ints = {3, 5})
    void roundResultsTravelAndMergeByTheirSlotsRules(int weightA) throws Exception {
        RoundResult a = result(0, new float[] {1f, -2f, 4f}, 2f, new float[] {7f, 8f}, weightA, 0.5);
        RoundResult b = roundTrip(result(1, new float[] {3f, 2f, 0f}, 5f, new float[] {-1f, -2f}, 3, 0.25));
        RoundResult m = roundTrip(RoundResult.merge(a, b));
        double w = weightA + 3;
        float[] expected = {
            (float) ((weightA * 1.0 + 3 * 3.0) / w),
            (float) ((weightA * -2.0 + 3 * 2.0) / w),
            (float) (weightA * 4.0 / w)
        };
        assertArrayEquals(expected, m.values()[0], 1e-7f, "AVERAGE: sample-weighted");
        assertArrayEquals(new float[] {7f}, m.values()[1], "SUM: the changes added up");
        assertNull(m.values()[2], "LOCAL: never combined");
        assertArrayEquals(new float[] {7f, 8f}, m.localValues().get(0)[2]);
        assertArrayEquals(new float[] {-1f, -2f}, m.localValues().get(1)[2]);
        assertEquals(weightA + 3, m.weight());
        assertEquals(0.75, m.figures().get(Figures.LOSS_SUM));
        assertNull(roundTrip(RoundResult.nothing()).values());

        TaskState start = TaskState.of(LAYOUT, new float[][] {new float[3], {10f}, {0f, 0f}});
        TaskState next = roundTrip(start.apply(m));
        assertArrayEquals(expected, next.get("w"), 1e-7f);
        assertArrayEquals(new float[] {17f}, next.get("count"));
        assertArrayEquals(new float[] {7f, 8f}, next.forPartition(0)[2]);
        assertArrayEquals(new float[] {-1f, -2f}, next.forPartition(1)[2]);
        assertArrayEquals(
                new float[] {0f, 0f},
                next.forPartition(2)[2],
                "a partition not seen yet starts from the initial value");
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
