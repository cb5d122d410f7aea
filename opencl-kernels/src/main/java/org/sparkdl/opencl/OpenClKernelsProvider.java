package org.sparkdl.opencl;

import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.kernels.KernelsProvider;

/** Registers the OpenCL kernels with core's backend selection (META-INF/services). */
public final class OpenClKernelsProvider implements KernelsProvider {
    @Override
    public String name() {
        return "opencl";
    }

    @Override
    public Probe probe() {
        OpenClDevices.Found f = OpenClDevices.find();
        return new Probe(f.device() != null, f.gpu(), f.describe());
    }

    /**
     * No GPU driver when every installed OpenCL driver (an ICD file under {@value #VENDORS}) is
     * pocl, a CPU-only one. Only the ICD files are read: nothing native is loaded.
     */
    @Override
    public String noGpuDriver() {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("sparkdl.opencl.vendors", VENDORS));
        try (java.util.stream.Stream<java.nio.file.Path> icds = java.nio.file.Files.list(dir)) {
            java.util.List<String> drivers = icds.filter(f -> f.toString().endsWith(".icd"))
                    .map(OpenClKernelsProvider::library)
                    .toList();
            if (drivers.isEmpty()) {
                return "no OpenCL driver is installed (" + dir + " lists none)";
            }
            return drivers.stream().allMatch(d -> d.contains("pocl"))
                    ? "the only OpenCL driver is pocl, a CPU one (" + String.join(", ", drivers) + ")"
                    : null;
        } catch (java.io.IOException e) {
            return "no OpenCL driver is installed (no " + dir + ")";
        }
    }

    static final String VENDORS = "/etc/OpenCL/vendors";

    private static String library(java.nio.file.Path icd) {
        try {
            return java.nio.file.Files.readString(icd).strip();
        } catch (java.io.IOException e) {
            return icd.getFileName().toString();
        }
    }

    @Override
    public Kernels create() {
        return new OpenClKernels();
    }
}
