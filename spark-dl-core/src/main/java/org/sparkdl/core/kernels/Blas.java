package org.sparkdl.core.kernels;

import dev.ludovic.netlib.blas.BLAS;

/**
 * The BLAS that {@code dev.ludovic.netlib} picked (native OpenBLAS through JNI when installed, a
 * Java one otherwise). Which one it is gets logged once: a silent fall-back to Java is 10–20×
 * slower and otherwise invisible.
 */
public final class Blas {
    private static final System.Logger LOG = System.getLogger(Blas.class.getName());
    private static volatile BLAS instance;

    private Blas() {}

    public static BLAS get() {
        BLAS b = instance;
        if (b == null) {
            synchronized (Blas.class) {
                b = instance;
                if (b == null) {
                    b = BLAS.getInstance();
                    LOG.log(
                            System.Logger.Level.INFO,
                            "spark-dl BLAS implementation: " + b.getClass().getName());
                    instance = b;
                }
            }
        }
        return b;
    }

    /** The simple name of the loaded implementation, e.g. {@code JNIBLAS} or {@code VectorBLAS}. */
    public static String implementation() {
        return get().getClass().getSimpleName();
    }

    /** Whether native BLAS (JNI) was loaded. */
    public static boolean isNative() {
        return implementation().startsWith("JNI");
    }
}
