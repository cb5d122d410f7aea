package org.sparkdl.core.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.kernels.MaxPoolOutput;
import org.sparkdl.core.kernels.PoolGeometry;
import org.sparkdl.core.tensor.Tensor;

/**
 * A convolution with the ReLU and the max pooling right after it (either may be absent), run as
 * one layer: {@code x[N,C,H,W] → conv → y[N,F,OH,OW] → relu → maxpool → p[N,F,PH,PW]}.
 *
 * <p>Why one layer: the ReLU is applied in the convolution's output pass, which touches every
 * element anyway, and its backward is a mask applied where the kernels pass over the gradient
 * already (the convolution's copy of dy, or the pooling's scatter over a quarter of the elements):
 * two passes over a CNN's largest activations fewer per step. With a max pooling the three are
 * one kernels call ({@link Kernels#convMaxPoolForward}), so a GPU keeps the convolution's output
 * and its gradient on the device. The results are those of the layers apart.
 *
 * <p>{@link LayerFusion} puts blocks in place of the layers they stand for. The parameters are the
 * convolution's own {@link Param}s and {@link #parts()} are those layers, so a fused model's state
 * and spec are the unfused model's.
 */
public final class ConvBlock implements WeightedLayer {
    private final Conv2d conv;
    private final boolean relu;
    /** The max pooling computed after the convolution, or null. */
    private final Pool2d maxPool;

    private final List<Layer> parts;
    private final Kernels kernels;
    private boolean inputGradient = true;

    // Forward, kept for backward.
    private Tensor x;
    private ConvGeometry geometry;
    /** The kernels' convolution scratch (im2col blocks). */
    private float[] columns;
    /** The convolution's output, rectified with a ReLU; with a max pooling, scratch the kernels may leave unused. */
    private Tensor y;

    private Tensor pooled;
    private int[] argmax;
    private MaxPoolOutput poolOutput;

    // Backward.
    /** dLoss/dy with a max pooling: scratch the kernels may leave unused. */
    private Tensor dy;

    private Tensor dx;

    /**
     * @param relu the ReLU right after {@code conv}, or null
     * @param maxPool the max pooling after {@code conv} (after the ReLU when there is one), or null
     */
    public ConvBlock(Conv2d conv, Activation.ReLU relu, Pool2d maxPool) {
        if (maxPool != null && maxPool.kind() != Pool2d.Kind.MAX) {
            throw new IllegalArgumentException(
                    maxPool.describe() + " cannot run inside a convolution: only max pooling can");
        }
        this.conv = conv;
        this.relu = relu != null;
        this.maxPool = maxPool;
        this.kernels = conv.kernels();
        List<Layer> p = new ArrayList<>(List.of(conv));
        if (relu != null) {
            p.add(relu);
        }
        if (maxPool != null) {
            p.add(maxPool);
        }
        this.parts = List.copyOf(p);
    }

    public Conv2d conv() {
        return conv;
    }

    @Override
    public void initialize(Initializer init, SplittableRandom rng) {
        conv.initialize(init, rng);
    }

    @Override
    public void setInputGradient(boolean needed) {
        inputGradient = needed;
    }

    @Override
    public Tensor forward(Tensor x, boolean training) {
        // x[N,C,H,W] → y[N,F,OH,OW] = conv(x, w[F,C,KH,KW]) + b[F], max(·, 0) with the ReLU
        ConvGeometry g = conv.geometryFor(x);
        this.x = x;
        geometry = g;
        columns = Buffers.reuse(columns, kernels.convScratchSize(g));
        y = Buffers.reuse(y, g.batch(), g.outChannels(), g.outH(), g.outW());
        float[] w = conv.weight().data();
        float[] b = conv.bias().data();
        if (maxPool == null) {
            kernels.convForward(g, x.data(), w, b, relu, y.data(), columns);
            return y;
        }
        // y → p[N,F,PH,PW] = max over each window; argmax[N,F,PH,PW] = where in y it came from
        PoolGeometry pg = maxPool.geometryFor(y.shape());
        pooled = Buffers.reuse(pooled, pg.batch(), pg.channels(), pg.outH(), pg.outW());
        if (argmax == null || argmax.length < pg.outputSize()) {
            argmax = new int[pg.outputSize()];
        }
        poolOutput = new MaxPoolOutput(pg, pooled.data(), argmax);
        kernels.convMaxPoolForward(g, x.data(), w, b, relu, y.data(), columns, poolOutput);
        return pooled;
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        // gradOut: dLoss/dp[N,F,PH,PW] with a max pooling, else dLoss/dy[N,F,OH,OW]
        // → dw[F,C,KH,KW] +=, db[F] +=, dx[N,C,H,W] = (unless skipped)
        ConvGeometry g = geometry;
        float[] dxData = null;
        if (inputGradient) {
            dx = Buffers.reuse(dx, g.batch(), g.inChannels(), g.height(), g.width());
            dxData = dx.data();
        }
        float[] w = conv.weight().data();
        float[] dw = conv.weight().gradData();
        float[] db = conv.bias().gradData();
        if (maxPool == null) {
            // the ReLU's backward: dy zeroed where the rectified y is 0, while the kernels copy dy
            kernels.convBackward(g, x.data(), w, relu ? y.data() : null, gradOut.data(), dw, db, dxData, columns);
        } else {
            // the pooling scatters dp to dy at argmax (dropped where the ReLU cut: p ≤ 0), then conv
            dy = Buffers.reuse(dy, y.shape());
            kernels.convMaxPoolBackward(
                    g, x.data(), w, relu, poolOutput, gradOut.data(), dy.data(), dw, db, dxData, columns);
        }
        return inputGradient ? dx : null;
    }

    @Override
    public int[] outputShape(int[] inputShape) {
        return Layers.outputShape(parts, inputShape);
    }

    @Override
    public List<Param> params() {
        return conv.params();
    }

    @Override
    public List<Layer> parts() {
        return parts;
    }

    @Override
    public long forwardMacs(int[] inputShape) {
        return Layers.forwardMacs(parts, inputShape);
    }

    @Override
    public String describe() {
        return parts.stream().map(Layer::describe).collect(Collectors.joining("+"));
    }
}
