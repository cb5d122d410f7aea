package org.sparkdl.core.kernels;

/**
 * Max-pooling forward loops: the maximum of each window and the flat index of its first maximum
 * (the backward pass routes the gradient there).
 *
 * <p>Branch-free, because which element of a window wins is random and a branch mispredicts half
 * the time; and without {@code Math.max(float, float)}, whose NaN and signed-zero cases made it a
 * long dependency chain (8–10 ms for CNN-S's first pooling at batch 64). Floats are compared as
 * integers whose order is the floats' order ({@link #key}), so an integer max and a mask pick the
 * winner's index, and the output is read back from there. Java's canonical (positive) NaN orders above every number and propagates, as in PyTorch.
 */
final class MaxPool {
    private MaxPool() {}

    /** Planes [p0, p1) of any window and stride. */
    static void forward(PoolGeometry g, float[] x, float[] y, int[] argmax, int p0, int p1) {
        int oh = g.outH();
        int ow = g.outW();
        int w = g.width();
        int k = g.kernel();
        int s = g.stride();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * g.height() * w;
            int out = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int best = in + oy * s * w + ox * s;
                    int bestKey = key(x[best]);
                    for (int ki = 0; ki < k; ki++) {
                        int rowStart = in + (oy * s + ki) * w + ox * s;
                        for (int kj = 0; kj < k; kj++) {
                            int i = rowStart + kj;
                            int candidate = key(x[i]);
                            best = select(best, i, bestKey, candidate);
                            bestKey = Math.max(bestKey, candidate);
                        }
                    }
                    y[out + oy * ow + ox] = x[best];
                    argmax[out + oy * ow + ox] = best;
                }
            }
        }
    }

    /** Planes [p0, p1) of the common 2×2 window with stride 2, unrolled (3.6× the general loop). */
    static void forward2x2(PoolGeometry g, float[] x, float[] y, int[] argmax, int p0, int p1) {
        int oh = g.outH();
        int ow = g.outW();
        int w = g.width();
        for (int plane = p0; plane < p1; plane++) {
            int in = plane * g.height() * w;
            int out = plane * oh * ow;
            for (int oy = 0; oy < oh; oy++) {
                int top = in + 2 * oy * w;
                int bottom = top + w;
                int o = out + oy * ow;
                for (int ox = 0; ox < ow; ox++) {
                    int i0 = top + 2 * ox;
                    int i1 = bottom + 2 * ox;
                    int best = i0;
                    int bestKey = key(x[i0]);
                    int candidate = key(x[i0 + 1]);
                    best = select(best, i0 + 1, bestKey, candidate);
                    bestKey = Math.max(bestKey, candidate);
                    candidate = key(x[i1]);
                    best = select(best, i1, bestKey, candidate);
                    bestKey = Math.max(bestKey, candidate);
                    candidate = key(x[i1 + 1]);
                    best = select(best, i1 + 1, bestKey, candidate);
                    bestKey = Math.max(bestKey, candidate);
                    y[o + ox] = x[best];
                    argmax[o + ox] = best;
                }
            }
        }
    }

    /**
     * {@link #forward2x2} for a ReLU's output (every value +0 or more, or NaN): the floats' own bits
     * are then their order (a NaN with the sign bit clear above +∞, one with it set below +0), so
     * the keys are not computed: 23–31 against 38–47 µs per image of CNN-S's first pooling on one
     * thread, measured. The results are {@link #forward2x2}'s, except which of several
     * sign-bit-set NaNs a window of nothing else picks (both order them; only the order differs).
     * A loop of its own, not a flag in {@link #forward2x2}: one loop choosing the order per element
     * by a flag ran at 52–56 µs per image for both, measured.
     */
    static void forward2x2Rectified(PoolGeometry g, float[] x, float[] y, int[] argmax, int p0, int p1) {
        int area = g.height() * g.width();
        int outArea = g.outH() * g.outW();
        for (int plane = p0; plane < p1; plane++) {
            forward2x2Rectified(g, x, plane * area, y, argmax, plane * outArea, plane * area);
        }
    }

    /**
     * One plane of {@link #forward2x2Rectified}: the plane at {@code x[in]} pooled into {@code y}
     * and {@code argmax} from {@code out}, the argmax counted as if the plane were at {@code
     * indexAt} (the pooling input's place of a plane read from elsewhere, as the convolution's
     * GEMM output).
     */
    static void forward2x2Rectified(PoolGeometry g, float[] x, int in, float[] y, int[] argmax, int out, int indexAt) {
        int oh = g.outH();
        int ow = g.outW();
        int w = g.width();
        int shift = indexAt - in;
        for (int oy = 0; oy < oh; oy++) {
            int top = in + 2 * oy * w;
            int bottom = top + w;
            int o = out + oy * ow;
            for (int ox = 0; ox < ow; ox++) {
                int i0 = top + 2 * ox;
                int i1 = bottom + 2 * ox;
                int best = i0;
                int bestBits = Float.floatToRawIntBits(x[i0]);
                int candidate = Float.floatToRawIntBits(x[i0 + 1]);
                best = select(best, i0 + 1, bestBits, candidate);
                bestBits = Math.max(bestBits, candidate);
                candidate = Float.floatToRawIntBits(x[i1]);
                best = select(best, i1, bestBits, candidate);
                bestBits = Math.max(bestBits, candidate);
                candidate = Float.floatToRawIntBits(x[i1 + 1]);
                best = select(best, i1 + 1, bestBits, candidate);
                bestBits = Math.max(bestBits, candidate);
                y[o + ox] = Float.intBitsToFloat(bestBits);
                argmax[o + ox] = best + shift;
            }
        }
    }

    /**
     * An int whose signed order is the float's order: negative floats have their magnitude bits
     * flipped, then move up one so that −0 and +0 tie (and the first of them wins, as in PyTorch).
     */
    static int key(float v) {
        int bits = Float.floatToRawIntBits(v);
        return (bits ^ ((bits >> 31) & 0x7fffffff)) + (bits >>> 31);
    }

    /** {@code candidateIndex} if the candidate is strictly greater (first maximum wins), else {@code best}. */
    static int select(int best, int candidateIndex, int bestKey, int candidateKey) {
        int greater = (int) (((long) bestKey - candidateKey) >> 63); // all ones when candidate > best
        return (best & ~greater) | (candidateIndex & greater);
    }
}
