package org.sparkdl.opencl;

import com.aparapi.device.Device;
import com.aparapi.device.OpenCLDevice;
import java.util.List;

/** Finds OpenCL devices through Aparapi: the first GPU, else the first CPU device (pocl). */
final class OpenClDevices {
    private OpenClDevices() {}

    /** A usable device, or why there is none. */
    record Found(OpenCLDevice device, boolean gpu, String problem) {
        String describe() {
            if (device == null) {
                return problem;
            }
            return (gpu ? "GPU " : "CPU ") + device.getName() + " ("
                    + device.getOpenCLPlatform().getName() + ")";
        }
    }

    private static Found found;

    /**
     * The device, found once per JVM. Synchronised: listing devices natively from two threads at
     * once crashed the JVM (pocl through Aparapi, two Spark tasks starting together).
     */
    static synchronized Found find() {
        if (found == null) {
            found = list();
        }
        return found;
    }

    private static Found list() {
        try {
            List<OpenCLDevice> gpus = OpenCLDevice.listDevices(Device.TYPE.GPU);
            if (gpus != null && !gpus.isEmpty()) {
                return new Found(gpus.get(0), true, null);
            }
            List<OpenCLDevice> cpus = OpenCLDevice.listDevices(Device.TYPE.CPU);
            if (cpus != null && !cpus.isEmpty()) {
                return new Found(cpus.get(0), false, null);
            }
            return new Found(
                    null,
                    false,
                    "no OpenCL platform or device found (install an OpenCL driver; without a GPU,"
                            + " apt-get install pocl-opencl-icd gives a CPU device)");
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            return new Found(
                    null,
                    false,
                    "the OpenCL runtime could not be loaded (" + e + "); is libOpenCL.so.1"
                            + " installed (apt-get install ocl-icd-libopencl1)?");
        } catch (RuntimeException e) {
            return new Found(null, false, "listing OpenCL devices failed: " + e);
        }
    }
}
