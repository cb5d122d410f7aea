package org.sparkdl.core.train;

/**
 * Packs floats that take at most 256 distinct values as one byte each and a table of the values:
 * exact, whatever the values are (0–255, their ratios to 255 however rounded, or those minus a
 * single channel's mean). One open-addressing pass over the float bits finds the distinct values
 * and gives up at the 257th.
 */
final class ByteCoding {
    private static final int MAX_VALUES = 256;
    /** Slots of the hash table: a power of two, at most a quarter full. */
    private static final int SLOTS = 1024;

    private ByteCoding() {}

    /**
     * The first {@code length} values of {@code values} as a byte-coded column, or null when they
     * take more than 256 distinct values (bit patterns: -0 and 0 differ, each NaN is kept as is).
     */
    static Column code(float[] values, int length, int width, int[] offsets) {
        int[] keys = new int[SLOTS];
        int[] codes = new int[SLOTS]; // code + 1; 0 marks an empty slot
        float[] table = new float[MAX_VALUES];
        int distinct = 0;
        byte[] out = new byte[length];
        for (int j = 0; j < length; j++) {
            int bits = Float.floatToRawIntBits(values[j]);
            int slot = (bits * 0x9E3779B9) >>> 22; // Fibonacci hashing into 10 bits
            while (codes[slot] != 0 && keys[slot] != bits) {
                slot = (slot + 1) & (SLOTS - 1);
            }
            if (codes[slot] == 0) {
                if (distinct == MAX_VALUES) {
                    return null;
                }
                keys[slot] = bits;
                table[distinct] = values[j];
                codes[slot] = ++distinct;
            }
            out[j] = (byte) (codes[slot] - 1);
        }
        return Column.coded(out, java.util.Arrays.copyOf(table, distinct), width, offsets);
    }
}
