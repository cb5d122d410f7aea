package org.sparkdl.core.nn;

import java.util.SplittableRandom;
import org.sparkdl.core.tensor.Tensor;

/**
 * Inverted dropout: in training each value is kept with probability {@code 1 − p} and scaled by
 * {@code 1/(1 − p)}, so inference is the identity. The mask comes from a seeded generator.
 */
public final class Dropout implements Layer, Reseedable {
    private final float p;
    private SplittableRandom rng;
    /** Per element: {@code 1/(1−p)} where kept, 0 where dropped. */
    private float[] mask;

    private Tensor y;
    private Tensor dx;
    private boolean lastWasTraining;

    public Dropout(float p, long seed) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.rng = new SplittableRandom(seed);
    }

    /** The probability of dropping a value. */
    public float p() {
        return p;
    }

    /**
     * The key of the next training forward's mask ({@link DropoutMask}), taken from the seeded
     * sequence: a device that computes the mask itself takes it here, in the CPU's place.
     */
    public long nextMaskKey() {
        return rng.nextLong();
    }

    /** Restarts the mask sequence (each data-parallel replica reseeds its own). */
    @Override
    public void reseed(long seed) {
        rng = new SplittableRandom(seed);
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        lastWasTraining = training;
        if (!training || p == 0f) {
            return x;
        }
        mask = Buffers.reuse(mask, x.size());
        float scale = 1f / (1f - p);
        long key = nextMaskKey();
        for (int i = 0; i < x.size(); i++) {
            mask[i] = DropoutMask.uniform(key, i) < p ? 0f : scale;
        }
        return applyMask(x);
    }

    /**
     * Training forward with a given keep-mask (1 keep, 0 drop), for tests that compare against a
     * mask drawn elsewhere.
     */
    public Tensor forwardWithMask(Tensor x, float[] keep) {
        if (keep.length != x.size()) {
            throw new IllegalArgumentException("mask has " + keep.length + " values, input " + x.size());
        }
        lastWasTraining = true;
        mask = Buffers.reuse(mask, x.size());
        float scale = 1f / (1f - p);
        for (int i = 0; i < keep.length; i++) {
            mask[i] = keep[i] != 0f ? scale : 0f;
        }
        return applyMask(x);
    }

    private Tensor applyMask(Tensor x) {
        y = Buffers.reuse(y, x.shape());
        float[] xd = x.data();
        float[] yd = y.data();
        for (int i = 0; i < xd.length; i++) {
            yd[i] = xd[i] * mask[i];
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        if (!lastWasTraining || p == 0f) {
            return gradOut;
        }
        dx = Buffers.reuse(dx, gradOut.shape());
        float[] g = gradOut.data();
        float[] d = dx.data();
        for (int i = 0; i < g.length; i++) {
            d[i] = g[i] * mask[i];
        }
        return dx;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return inputShape.clone();
    }

    @Override
    public String describe() {
        return "dropout(" + p + ")";
    }
}
