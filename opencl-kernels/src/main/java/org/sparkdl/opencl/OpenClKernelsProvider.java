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

    @Override
    public Kernels create() {
        return new OpenClKernels();
    }
}
