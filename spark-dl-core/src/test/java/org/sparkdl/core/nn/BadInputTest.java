package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** Bad input gets errors that say what was expected; model state round-trips exactly. */
class BadInputTest {
    private final Sequential model = ModelSpec.parse("conv(4,3,pad=1) batchnorm relu maxpool(2) flatten dense(3)")
            .build(new int[] {1, 6, 6}, new CpuKernels(), 5);

    @Test
    void wrongInputShape() {
        var e = assertThrows(ShapeException.class, () -> model.forward(Tensor.zeros(2, 1, 6, 5), false));
        assertTrue(e.getMessage().contains("1x6x5") && e.getMessage().contains("1x6x6"), e.getMessage());
    }

    @Test
    void flatInputOfTheRightSizeIsReshaped() {
        assertArrayEquals(
                new int[] {2, 3}, model.forward(Tensor.zeros(2, 36), false).shape());
    }

    @Test
    void nanAndInfinityInInputAreNamed() {
        Tensor x = Tensor.zeros(3, 36);
        x.data()[36 + 7] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> model.forward(x, true));
        assertTrue(e.getMessage().contains("row 1 value 7 is NaN"), e.getMessage());
        x.data()[36 + 7] = Float.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> model.forward(x, true));
    }

    @Test
    void badShapeText() {
        assertArrayEquals(new int[] {3, 32, 32}, Shapes.parse("3, 32,32"));
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.parse("1,28,a"));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.parse("1,0,28"));
    }

    @Test
    void stateRoundTripsIncludingRunningStatistics() {
        model.forward(Tensor.of(new float[72], 2, 36), true);
        float[] s = model.state();
        assertEquals(model.parameterCount() + 8, s.length); // + batchnorm running mean and var (4 each)
        Sequential other = ModelSpec.parse("conv(4,3,pad=1) batchnorm relu maxpool(2) flatten dense(3)")
                .build(new int[] {1, 6, 6}, new CpuKernels(), 99);
        other.loadState(s);
        assertArrayEquals(s, other.state());
        var e = assertThrows(IllegalArgumentException.class, () -> other.loadState(new float[5]));
        assertTrue(e.getMessage().contains("needs " + s.length), e.getMessage());
    }

    @Test
    void batchNormNeedsMoreThanOneValuePerChannelInTraining() {
        Sequential m = ModelSpec.parse("dense(3) batchnorm").build(new int[] {2}, new CpuKernels(), 1);
        var e = assertThrows(ShapeException.class, () -> m.forward(Tensor.zeros(1, 2), true));
        assertTrue(e.getMessage().contains("more than one value"), e.getMessage());
    }
}
