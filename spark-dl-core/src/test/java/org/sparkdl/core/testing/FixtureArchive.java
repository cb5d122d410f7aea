package org.sparkdl.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.sparkdl.core.tensor.Tensor;

/**
 * Reads the named float32 arrays that {@code src/test/python/generate_fixtures.py} writes with
 * PyTorch: "SDLT", version, count, then per array its name, rank, dims and little-endian values.
 */
public final class FixtureArchive {
    private final String name;
    private final Map<String, Tensor> arrays;

    private FixtureArchive(String name, Map<String, Tensor> arrays) {
        this.name = name;
        this.arrays = arrays;
    }

    public static FixtureArchive load(String name) {
        String resource = "/fixtures/" + name + ".bin";
        try (InputStream in = FixtureArchive.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + resource
                        + "; regenerate with /usr/bin/python3 spark-dl-core/src/test/python/generate_fixtures.py");
            }
            ByteBuffer buf = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            byte[] magic = new byte[4];
            buf.get(magic);
            if (!"SDLT".equals(new String(magic, StandardCharsets.US_ASCII)) || buf.getInt() != 1) {
                throw new IllegalStateException(resource + " is not a version-1 SDLT fixture archive");
            }
            int count = buf.getInt();
            Map<String, Tensor> arrays = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] key = new byte[buf.getInt()];
                buf.get(key);
                int[] shape = new int[buf.getInt()];
                for (int d = 0; d < shape.length; d++) {
                    shape[d] = buf.getInt();
                }
                float[] data = new float[Math.toIntExact(Tensor.numel(shape))];
                buf.asFloatBuffer().get(data);
                buf.position(buf.position() + 4 * data.length);
                arrays.put(new String(key, StandardCharsets.UTF_8), Tensor.of(data, shape));
            }
            return new FixtureArchive(name, arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the named array, so that tests may modify it. */
    public Tensor get(String key) {
        Tensor t = arrays.get(key);
        if (t == null) {
            throw new IllegalArgumentException(
                    "fixture " + name + " has no array '" + key + "'; it has " + arrays.keySet());
        }
        return t.copy();
    }

    public boolean has(String key) {
        return arrays.containsKey(key);
    }

    public float scalar(String key) {
        return get(key).data()[0];
    }

    public int[] ints(String key) {
        float[] d = get(key).data();
        int[] out = new int[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = Math.round(d[i]);
        }
        return out;
    }
}
