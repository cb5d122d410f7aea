package org.sparkdl.core.nn;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** {@code x[N, d1, d2, ...] → y[N, d1·d2·...]}: a view, no copy. */
public final class Flatten implements Layer {
    private int[] inputShape;

    @Override
    public Tensor forward(Tensor x, boolean training) {
        inputShape = x.shape();
        return x.reshape(x.dim(0), x.sampleSize());
    }

    @Override
    public Tensor backward(Tensor gradOut) {
        return gradOut.reshape(inputShape);
    }

    @Override
    public int[] outputShape(int[] s) {
        return new int[] {Shapes.size(s)};
    }

    @Override
    public String describe() {
        return "flatten";
    }
}
