package org.sparkdl.core.kernels;

/**
 * The hot operations of training, behind one interface so that a CPU (BLAS) and an OpenCL
 * implementation can be swapped. All arrays are row-major; images are NCHW.
 *
 * <p>Implementations may keep per-thread state (buffers, compiled programs): use one instance per
 * model replica. They must check sizes before touching memory they do not own.
 */
public interface Kernels {
    /** A short name for logs, e.g. {@code cpu(JNIBLAS)}. */
    String name();

    /**
     * {@code C = alpha·op(A)·op(B) + beta·C}, op(A) m×k, op(B) k×n, C m×n; row-major with leading
     * dimensions implied by the shapes (A is stored k×m when transposed, B n×k).
     */
    void sgemm(
            boolean transA,
            boolean transB,
            int m,
            int n,
            int k,
            float alpha,
            float[] a,
            int aOffset,
            float[] b,
            int bOffset,
            float beta,
            float[] c,
            int cOffset);

    /** A body over items {@code [from, to)}. */
    interface RangeBody {
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over {@code [0, count)}, split into contiguous ranges run in parallel where
     * the implementation has workers (element-wise layers use it); by default on the calling thread.
     */
    default void forRanges(int count, RangeBody body) {
        body.run(0, count);
    }

    /**
     * Floats of the {@code columns} scratch that the convolution calls need for {@code g}. A forward
     * call may leave in it what the backward of the same input reuses (the CPU's Winograd
     * convolutions keep their transformed input there), so a layer passes one scratch to both; an
     * implementation must still give the right gradients from a scratch the forward did not fill.
     */
    default long convScratchSize(ConvGeometry g) {
        return g.columnBufferSize();
    }

    /**
     * Convolution forward: {@code y[N,F,OH,OW] = conv(x[N,C,H,W], w[F,C,KH,KW]) + bias[F]}, and with
     * {@code relu} rectified, {@code y = max(·, 0)}: a ReLU that follows a convolution runs in the
     * convolution's output pass instead of another pass over y (and its backward in
     * {@link #convBackward}'s copy of dy).
     *
     * @param columns scratch of {@link #convScratchSize} floats
     * @param bias may be null
     */
    void convForward(ConvGeometry g, float[] x, float[] w, float[] bias, boolean relu, float[] y, float[] columns);

    /**
     * Both gradients of a convolution, one pass over dy: {@code dw += dy' ⋆ x}, {@code dbias += Σ
     * dy'} and, when {@code dx} is not null, {@code dx = dy' ⋆ᵀ w} (overwritten, not accumulated).
     * {@code dy'} is dy, or where {@code rectifiedY} is given (the y of a {@code relu}
     * {@link #convForward}) dy zeroed where {@code rectifiedY ≤ 0}: the fused ReLU's backward.
     *
     * @param x the input of the matching {@link #convForward}
     * @param rectifiedY may be null: no ReLU was fused
     * @param dbias may be null
     * @param dx may be null: the input gradient is not needed (a model's first layer)
     * @param columns scratch of {@link #convScratchSize} floats
     */
    void convBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] rectifiedY,
            float[] dy,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns);

    /**
     * A convolution (with its fused ReLU when {@code relu}) and the max pooling after it, as one
     * call: {@code convOut = convForward(x)}, {@code pool.y = maxpool(convOut)}. One call so that
     * an implementation with its own memory keeps the convolution's output, the largest activation
     * of a CNN, where it was computed instead of copying it out and back in (the OpenCL kernels
     * leave {@code convOut} untouched). The pooling does the ReLU's backward
     * ({@link #convMaxPoolBackward}), so nothing else needs the convolution's output.
     *
     * @param convOut scratch of {@code g.outputSize()} floats for implementations that compute on
     *     the host; its contents afterwards are unspecified
     */
    default void convMaxPoolForward(
            ConvGeometry g,
            float[] x,
            float[] w,
            float[] bias,
            boolean relu,
            float[] convOut,
            float[] columns,
            MaxPoolOutput pool) {
        pool.checkFollows(g);
        convForward(g, x, w, bias, relu, convOut, columns);
        maxPoolForward(pool.geometry(), convOut, pool.y(), pool.argmax());
    }

    /**
     * The backward of {@link #convMaxPoolForward}: the pooling routes {@code dy} (masked by the
     * ReLU when {@code relu}) into the convolution's output gradient, then the convolution's
     * gradients as in {@link #convBackward} (without {@code rectifiedY}: the pooling masked).
     *
     * @param dConvOut scratch of {@code g.outputSize()} floats for implementations that compute on
     *     the host; its contents afterwards are unspecified
     */
    default void convMaxPoolBackward(
            ConvGeometry g,
            float[] x,
            float[] w,
            boolean relu,
            MaxPoolOutput pool,
            float[] dy,
            float[] dConvOut,
            float[] dw,
            float[] dbias,
            float[] dx,
            float[] columns) {
        pool.checkFollows(g);
        maxPoolBackward(pool.geometry(), dy, pool.argmax(), relu ? pool.y() : null, dConvOut);
        convBackward(g, x, w, null, dConvOut, dw, dbias, dx, columns);
    }

    /** Max pooling forward; {@code argmax[i]} receives the input index that produced {@code y[i]}. */
    void maxPoolForward(PoolGeometry g, float[] x, float[] y, int[] argmax);

    /**
     * Max pooling backward: {@code dx} is overwritten, each {@code dy[i]} added at {@code
     * argmax[i]}. Where the pooled input is a ReLU's output, {@code rectifiedY} (the pooling's own
     * output {@code y}) takes the ReLU's backward over: {@code dy[i]} goes through only where {@code
     * y[i] > 0}, which is where the ReLU passed its input at {@code argmax[i]}; a quarter of the
     * elements of a pass over the ReLU's whole output.
     *
     * @param rectifiedY may be null: no ReLU before the pooling to mask for
     */
    void maxPoolBackward(PoolGeometry g, float[] dy, int[] argmax, float[] rectifiedY, float[] dx);

    /** Average pooling forward. */
    void avgPoolForward(PoolGeometry g, float[] x, float[] y);

    /** Average pooling backward; {@code dx} is overwritten. */
    void avgPoolBackward(PoolGeometry g, float[] dy, float[] dx);
}
