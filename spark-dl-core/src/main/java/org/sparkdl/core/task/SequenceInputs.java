package org.sparkdl.core.task;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Column;
import org.sparkdl.core.train.DataBlock;

/**
 * A batch column as the model's input tensor N × inputShape. A fixed-width column is the tensor
 * itself. A variable-length column holds sequences of whole steps (floats: steps of F values for
 * an input shape T,F; ints: token ids for an input shape T): they are padded with zeros to T
 * steps and carry their lengths ({@link Tensor#withLengths}), so that padding changes nothing.
 */
public final class SequenceInputs {
    private float[] padded = new float[0];

    /** {@code batch}'s column {@code column} as the model's input N × inputShape (a view or an owned buffer). */
    public Tensor tensor(DataBlock batch, String column, int[] inputShape) {
        Column c = batch.column(column);
        return !c.isRagged() && c.isFloat() ? batch.tensor(column, inputShape) : pad(c, batch.size(), inputShape);
    }

    private Tensor pad(Column c, int n, int[] shape) {
        int steps = shape[0];
        int width = Shapes.size(shape) / steps; // values per step: F, or 1 for token ids
        int size = n * steps * width;
        if (padded.length != size) {
            padded = new float[size];
        } else {
            java.util.Arrays.fill(padded, 0f);
        }
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) {
            int len = c.length(i);
            if (len % width != 0 || len / width > steps || len == 0) {
                throw new IllegalArgumentException(
                        "sample " + i + " has " + len + " values: expected 1 to " + steps + " steps of " + width);
            }
            lengths[i] = len / width;
            int from = c.start(i);
            int to = i * steps * width;
            if (c.isFloat()) {
                System.arraycopy(c.floats(), from, padded, to, len);
            } else {
                int[] ids = c.ints();
                for (int j = 0; j < len; j++) {
                    padded[to + j] = ids[from + j];
                }
            }
        }
        return Tensor.of(padded, Shapes.withBatch(n, shape)).withLengths(c.isRagged() ? lengths : null);
    }
}
