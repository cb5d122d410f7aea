package org.sparkdl.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;

/** Save/load checks shared by the stages' tests, in the style of Spark's DefaultReadWriteTest. */
public final class SaveLoad {
    private SaveLoad() {}

    /** Saves, loads, and checks that every param survives (the DefaultReadWriteTest contract). */
    public static <T extends org.apache.spark.ml.param.Params & org.apache.spark.ml.util.MLWritable> T roundTrip(
            T stage, Path dir, java.util.function.Function<String, T> load) throws IOException {
        String path = dir.resolve(stage.uid()).toString();
        stage.write().save(path);
        assertThrows(Exception.class, () -> stage.write().save(path), "saving over an existing path must fail");
        stage.write().overwrite().save(path);
        T loaded = load.apply(path);
        assertEquals(stage.uid(), loaded.uid());
        for (org.apache.spark.ml.param.Param<?> p : stage.params()) {
            assertEquals(stage.isDefined(p), loaded.isDefined(loaded.getParam(p.name())), p.name());
            if (stage.isDefined(p)) {
                Object a = stage.getOrDefault(p);
                Object b = loaded.getOrDefault(loaded.getParam(p.name()));
                if (a instanceof int[] ia) {
                    assertArrayEquals(ia, (int[]) b, p.name());
                } else if (a instanceof double[] da) {
                    assertArrayEquals(da, (double[]) b, p.name());
                } else {
                    assertEquals(a, b, p.name());
                }
            }
        }
        return loaded;
    }
}
