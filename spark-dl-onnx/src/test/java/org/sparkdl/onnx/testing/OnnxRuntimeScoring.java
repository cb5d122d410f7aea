package org.sparkdl.onnx.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * One batch scored by ONNX Runtime, for the parity tests: name the inputs, run an exported model,
 * get every output flat by name. {@link #maxRelativeError} is the parity measure.
 */
public final class OnnxRuntimeScoring implements AutoCloseable {
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<String, OnnxTensor> inputs = new HashMap<>();

    public OnnxRuntimeScoring floats(String name, float[] values, long... dims) throws OrtException {
        return put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(values), dims));
    }

    public OnnxRuntimeScoring ints(String name, int[] values, long... dims) throws OrtException {
        return put(name, OnnxTensor.createTensor(env, IntBuffer.wrap(values), dims));
    }

    public OnnxRuntimeScoring longs(String name, long[] values, long... dims) throws OrtException {
        return put(name, OnnxTensor.createTensor(env, LongBuffer.wrap(values), dims));
    }

    private OnnxRuntimeScoring put(String name, OnnxTensor t) {
        OnnxTensor old = inputs.put(name, t);
        if (old != null) {
            old.close();
        }
        return this;
    }

    /** Every output of {@code model} on the inputs, flat, by name. */
    public Map<String, float[]> run(byte[] model) throws OrtException {
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
                OrtSession.Result result = session.run(inputs)) {
            Map<String, float[]> out = new HashMap<>();
            for (Map.Entry<String, OnnxValue> e : result) {
                FloatBuffer b = ((OnnxTensor) e.getValue()).getFloatBuffer();
                float[] values = new float[b.remaining()];
                b.get(values);
                out.put(e.getKey(), values);
            }
            return out;
        }
    }

    @Override
    public void close() {
        inputs.values().forEach(OnnxTensor::close);
        inputs.clear();
    }

    /**
     * The largest |a − b| of a sample relative to the largest |a| of that sample, over the samples
     * of {@code perSample} values: a logit near 0 has no meaningful relative error of its own.
     */
    public static double maxRelativeError(float[] a, float[] b, int perSample) {
        if (a.length != b.length) {
            throw new AssertionError("outputs of " + a.length + " and " + b.length + " values");
        }
        double worst = 0;
        for (int s = 0; s < a.length / perSample; s++) {
            double scale = 0;
            double diff = 0;
            for (int j = s * perSample; j < (s + 1) * perSample; j++) {
                scale = Math.max(scale, Math.abs(a[j]));
                diff = Math.max(diff, Math.abs(a[j] - b[j]));
            }
            worst = Math.max(worst, diff / Math.max(scale, Float.MIN_NORMAL));
        }
        return worst;
    }
}
