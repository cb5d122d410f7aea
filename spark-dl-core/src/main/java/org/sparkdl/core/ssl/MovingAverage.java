package org.sparkdl.core.ssl;

import java.util.List;
import org.sparkdl.core.nn.Layer;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.tensor.Tensor;

/**
 * A network that follows another as its exponential moving average: MoCo's key encoder, DINO's
 * teacher. {@code follower ← m·follower + (1 − m)·source}, parameters and buffers alike.
 */
final class MovingAverage {
    private MovingAverage() {}

    static void follow(Layer follower, Layer source, double momentum) {
        float m = (float) momentum;
        float rest = 1 - m;
        List<Param> fp = follower.params();
        List<Param> sp = source.params();
        for (int i = 0; i < fp.size(); i++) {
            blend(fp.get(i).data(), sp.get(i).data(), m, rest);
        }
        List<Tensor> fb = follower.buffers();
        List<Tensor> sb = source.buffers();
        for (int i = 0; i < fb.size(); i++) {
            blend(fb.get(i).data(), sb.get(i).data(), m, rest);
        }
    }

    private static void blend(float[] f, float[] s, float m, float rest) {
        for (int j = 0; j < f.length; j++) {
            f[j] = m * f[j] + rest * s[j];
        }
    }
}
