package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.tensor.Tensor;

class ParamTest {
    @Test
    void aZeroedGradientReadsZeroUntilWritten() {
        Param p = new Param("w", Tensor.of(new float[] {1, 2, 3}, 3), true);
        p.gradData()[1] = 5f;
        p.zeroGrad();
        assertArrayEquals(new float[3], p.gradData(), "read after zeroGrad");
        p.gradData()[0] = 2f;
        assertArrayEquals(new float[] {2, 0, 0}, p.grad().data(), "added to after zeroGrad");
    }

    @Test
    void betaIsZeroOnlyForTheFirstWriteAfterZeroGrad() {
        Param p = new Param("w", Tensor.of(new float[] {1, 2}, 2), true);
        p.gradData()[0] = 7f;
        assertEquals(1f, p.accumulationBeta(), "a gradient written since construction is added to");
        p.zeroGrad();
        assertEquals(0f, p.accumulationBeta(), "the first write after zeroGrad overwrites");
        assertEquals(1f, p.accumulationBeta(), "later writes add");
        assertEquals(7f, p.gradArray()[0], "the array is left to the writer, not cleared");
    }

    /** Two backward passes after one zeroGrad add up, as two batches' gradients must; a third pass after zeroGrad starts again. */
    @Test
    void denseWeightGradientsAccumulateAcrossBackwardPasses() {
        Dense dense = new Dense(new CpuKernels(), 3, 2);
        dense.weight().data()[1] = 0.5f;
        dense.weight().data()[4] = -2f;
        Tensor x = Tensor.of(new float[] {1, 2, 3, -1, 0, 2}, 2, 3);
        Tensor dy = Tensor.of(new float[] {1, -1, 0.5f, 2}, 2, 2);
        Param w = dense.weight();
        w.zeroGrad();
        dense.forward(x, true);
        dense.backward(dy);
        float[] once = w.gradData().clone();
        dense.forward(x, true);
        dense.backward(dy);
        for (int i = 0; i < once.length; i++) {
            assertEquals(2 * once[i], w.gradData()[i], 1e-6, "element " + i + " after two passes");
        }
        w.zeroGrad();
        dense.forward(x, true);
        dense.backward(dy);
        assertArrayEquals(once, w.gradData(), 1e-6f, "one pass after zeroGrad");
    }
}
