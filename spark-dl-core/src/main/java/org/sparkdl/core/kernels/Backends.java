package org.sparkdl.core.kernels;

import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Picks the kernels backend: {@code cpu}, {@code opencl}, or {@code auto} (OpenCL only where a GPU
 * device is found, CPU otherwise). The choice and its reason are logged once per JVM (per Spark
 * executor). A requested backend that cannot run is an error, never a silent fall-back.
 */
public final class Backends {
    public static final List<String> NAMES = List.of("auto", "cpu", "opencl");
    private static final System.Logger LOG = System.getLogger(Backends.class.getName());
    private static final ConcurrentHashMap<String, String> LOGGED = new ConcurrentHashMap<>();
    /**
     * One probe per backend per JVM: probing lists native devices, which is slow and, in at least
     * one OpenCL runtime (pocl through Aparapi), crashes the JVM when two tasks do it at once.
     */
    private static final ConcurrentHashMap<String, KernelsProvider.Probe> PROBES = new ConcurrentHashMap<>();

    private Backends() {}

    /** The decision: a factory for one replica's kernels, the backend's name and why it was chosen. */
    public record Choice(String backend, String reason, Supplier<Kernels> factory) {
        public Kernels create() {
            return factory.get();
        }
    }

    /**
     * @param requested auto, cpu or opencl
     * @param cpuThreads threads for the CPU kernels' data-movement loops
     */
    public static Choice choose(String requested, int cpuThreads) {
        String r = requested == null ? "" : requested.trim().toLowerCase(Locale.ROOT);
        Choice c;
        switch (r) {
            case "cpu":
                c = cpu("requested", cpuThreads);
                break;
            case "opencl": {
                KernelsProvider p = provider("opencl");
                if (p == null) {
                    throw new IllegalStateException("backend 'opencl' was requested but no OpenCL kernels are on the"
                            + " classpath (add the opencl-kernels module), or use backend=cpu or auto");
                }
                KernelsProvider.Probe probe = probe(p);
                if (!probe.usable()) {
                    throw new IllegalStateException(
                            "backend 'opencl' was requested but cannot run here: " + probe.description());
                }
                c = new Choice("opencl", "requested; device " + probe.description(), p::create);
                break;
            }
            case "auto": {
                KernelsProvider p = provider("opencl");
                String noGpu = p == null ? "no OpenCL kernels on the classpath" : p.noGpuDriver();
                KernelsProvider.Probe probe = noGpu == null ? probe(p) : null;
                if (probe != null && probe.usable() && probe.gpu()) {
                    c = new Choice("opencl", "auto: found GPU " + probe.description(), p::create);
                } else {
                    String why = noGpu != null
                            ? noGpu
                            : probe.usable()
                                    ? "OpenCL device is not a GPU (" + probe.description() + ")"
                                    : probe.description();
                    c = cpu("auto: " + why, cpuThreads);
                }
                break;
            }
            default:
                throw new IllegalArgumentException(
                        "backend '" + requested + "' is not known; expected one of " + NAMES);
        }
        String line = "spark-dl kernels backend: " + c.backend() + " (" + c.reason() + ")";
        if (LOGGED.putIfAbsent(r + "|" + line, line) == null) {
            LOG.log(System.Logger.Level.INFO, line);
        }
        return c;
    }

    private static KernelsProvider.Probe probe(KernelsProvider p) {
        return PROBES.computeIfAbsent(p.name(), n -> p.probe());
    }

    private static Choice cpu(String reason, int threads) {
        return new Choice("cpu", reason + "; BLAS " + Blas.implementation(), () -> new CpuKernels(threads));
    }

    private static KernelsProvider provider(String name) {
        for (KernelsProvider p : ServiceLoader.load(KernelsProvider.class, Backends.class.getClassLoader())) {
            if (p.name().equalsIgnoreCase(name)) {
                return p;
            }
        }
        return null;
    }
}
