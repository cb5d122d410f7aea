package org.sparkdl.core.kernels;

/**
 * A kernels backend found through {@link java.util.ServiceLoader} (so core never imports it), e.g.
 * the Aparapi/OpenCL one in the opencl-kernels module. Register it in
 * {@code META-INF/services/org.sparkdl.core.kernels.KernelsProvider}.
 */
public interface KernelsProvider {
    /** The backend name users ask for, e.g. {@code opencl}. */
    String name();

    /** Whether this backend can run here, and on what, without creating kernels. */
    Probe probe();

    /**
     * Why {@code auto} need not probe here at all (no GPU driver is installed), or null when a
     * probe may find a GPU. Probing loads native drivers, and a CPU-only OpenCL driver brings
     * LLVM, whose signal handlers can crash the JVM later: {@code auto} leaves it unloaded.
     */
    default String noGpuDriver() {
        return null;
    }

    /** New kernels for one model replica; only called after a usable probe. */
    Kernels create();

    /**
     * What a probe found.
     *
     * @param usable whether kernels can be created
     * @param gpu whether the device is a GPU ({@code auto} only picks GPUs)
     * @param description the device, or why none is usable
     */
    record Probe(boolean usable, boolean gpu, String description) {}
}
