package org.sparkdl.core.train;

import java.util.Locale;

/**
 * How a packed float column holds its values between mini-batches. A mini-batch always comes out
 * as 32-bit floats ({@link Column#gather}); this only decides the bytes a cached partition costs.
 *
 * <ul>
 *   <li>{@link #AUTO}: a column with at most 256 distinct values (8-bit images, also after a
 *       single channel's mean is subtracted) as one byte per value and a table of the values,
 *       which is exact; any other column as 32-bit floats.
 *   <li>{@link #FLOAT16}: as {@code AUTO}, and any other column as IEEE half-precision floats
 *       (11 significant bits, round to nearest even): half the memory, not exact.
 *   <li>{@link #FLOAT32}: 32-bit floats always.
 * </ul>
 */
public enum FloatStorage {
    AUTO,
    FLOAT16,
    FLOAT32;

    /** The names a param takes: {@code auto}, {@code float16}, {@code float32}. */
    public String paramValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static FloatStorage fromParam(String value) {
        for (FloatStorage s : values()) {
            if (s.paramValue().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown float storage '" + value + "': expected auto, float16 or float32");
    }
}
