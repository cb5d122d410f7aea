package org.sparkdl.core.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serial;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * A {@code float[]} that Java serialization writes as blocks of bytes. {@code ObjectOutputStream}
 * writes a {@code float[]} one element at a time: 6–9 ms for CNN-S's 10 MB training state against
 * 2.3 ms as bytes (reading: 4.0 against 3.3 ms), and each data-parallel round serialises that state
 * once per broadcast and once per partition's result. The raw bits travel, NaN payloads included,
 * in little-endian order whatever the machines'.
 */
public final class PackedFloats implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** Floats per block: 1 MB of scratch however large the array. */
    private static final int BLOCK = 1 << 18;

    private transient float[] values;

    /** Wraps (does not copy) {@code values}, which may be null. */
    public PackedFloats(float[] values) {
        this.values = values;
    }

    public float[] values() {
        return values;
    }

    @Serial
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        if (values == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(values.length);
        byte[] block = new byte[Math.min(values.length, BLOCK) * Float.BYTES];
        FloatBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int from = 0; from < values.length; from += BLOCK) {
            int n = Math.min(BLOCK, values.length - from);
            view.clear();
            view.put(values, from, n);
            out.write(block, 0, n * Float.BYTES);
        }
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int length = in.readInt();
        if (length < -1) {
            throw new IOException("corrupt float array length " + length);
        }
        if (length == -1) {
            values = null;
            return;
        }
        values = new float[length];
        byte[] block = new byte[Math.min(length, BLOCK) * Float.BYTES];
        FloatBuffer view = ByteBuffer.wrap(block).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        for (int from = 0; from < length; from += BLOCK) {
            int n = Math.min(BLOCK, length - from);
            in.readFully(block, 0, n * Float.BYTES);
            view.clear();
            view.get(values, from, n);
        }
    }
}
