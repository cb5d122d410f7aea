package org.sparkdl.core.kernels;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * OpenBLAS's thread count, set at run time through JNA. When Spark runs one task per core, each
 * task's GEMMs should use one BLAS thread: oversubscribed OpenBLAS threads lose 10–50% (measured
 * at conv shapes). Process-wide; a no-op, reported as such, where OpenBLAS is not the BLAS.
 */
public final class BlasThreads {
    private static final System.Logger LOG = System.getLogger(BlasThreads.class.getName());
    private static final String[] LIBRARIES = {"openblas", "libopenblas.so.0", "blas"};

    private BlasThreads() {}

    /** Sets the thread count; returns false (and logs why) where OpenBLAS cannot be reached. */
    public static boolean set(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("BLAS threads must be at least 1, got " + threads);
        }
        Function f = function("openblas_set_num_threads");
        if (f == null) {
            LOG.log(System.Logger.Level.INFO, "cannot set BLAS threads: OpenBLAS not found through JNA");
            return false;
        }
        f.invoke(new Object[] {threads});
        return true;
    }

    /** The current OpenBLAS thread count, or -1 where unknown. */
    public static int get() {
        Function f = function("openblas_get_num_threads");
        return f == null ? -1 : (Integer) f.invoke(Integer.class, new Object[0]);
    }

    private static Function function(String name) {
        if (!Blas.isNative()) {
            return null; // the Java BLAS has no OpenBLAS threads to set
        }
        for (String lib : LIBRARIES) {
            try {
                return NativeLibrary.getInstance(lib).getFunction(name);
            } catch (UnsatisfiedLinkError e) {
                // try the next name
            }
        }
        return null;
    }
}
