package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;

/** Only a model's first layer may skip its input gradient, and only when the model's input is data. */
class InputGradientTest {
    private final Kernels kernels = new CpuKernels();

    private Dense dense(int in, int out) {
        Dense d = new Dense(kernels, in, out);
        d.initialize(Initializer.XAVIER_NORMAL, new SplittableRandom(in * 31L + out));
        return d;
    }

    @Test
    void theFirstLayerSkipsItUnlessTheInputGradientIsRequired() {
        Sequential model = new Sequential(new int[] {3}, List.of(dense(3, 4), new Activation.Tanh(), dense(4, 2)));
        Tensor x = randn(1, 5, 3);
        Tensor dy = randn(2, 5, 2);
        model.forward(x, true);
        assertNull(model.backward(dy), "the input is data: no gradient for it");

        model.setInputGradient(true);
        model.forward(x, true);
        assertArrayEquals(new int[] {5, 3}, model.backward(dy).shape());
    }

    @Test
    void aLayerInTheMiddleWithoutAnInputGradientFails() {
        Sequential model = new Sequential(new int[] {3}, List.of(dense(3, 4), new NoInputGradient(), dense(4, 2)));
        model.forward(randn(3, 5, 3), true);
        var e = assertThrows(IllegalStateException.class, () -> model.backward(randn(4, 5, 2)));
        assertTrue(e.getMessage().contains("layer 1 'no-input-gradient'"), e.getMessage());
    }

    @Test
    void aFirstLayerWithoutARequiredInputGradientFails() {
        Sequential model = new Sequential(new int[] {3}, List.of(new NoInputGradient(), dense(3, 2)));
        model.forward(randn(5, 4, 3), true);
        assertNull(model.backward(randn(6, 4, 2)), "allowed while the input is data");
        model.setInputGradient(true);
        var e = assertThrows(IllegalStateException.class, () -> model.backward(randn(6, 4, 2)));
        assertTrue(e.getMessage().contains("input gradient is required"), e.getMessage());
    }

    @Test
    void aModelFedByOneThatSkippedItsInputGradientFails() {
        Sequential encoder = new Sequential(new int[] {3}, List.of(dense(3, 4)));
        Sequential head = new Sequential(new int[] {4}, List.of(dense(4, 2))); // input taken as data
        head.forward(encoder.forward(randn(9, 2, 3), true), true);
        Tensor none = head.backward(randn(10, 2, 2));
        var e = assertThrows(IllegalArgumentException.class, () -> encoder.backward(none));
        assertTrue(e.getMessage().contains("Chain"), e.getMessage());
    }

    @Test
    void layersAfterTheFirstAlwaysComputeIt() {
        Dense second = dense(4, 2);
        second.setInputGradient(false); // as if it had been the first layer of another model
        Sequential model = new Sequential(new int[] {3}, List.of(dense(3, 4), second));
        model.forward(randn(7, 2, 3), true);
        model.backward(randn(8, 2, 2)); // would fail if the second layer still skipped
    }

    /** A layer that never returns an input gradient, as a layer that wrongly skips it would. */
    private static final class NoInputGradient implements Layer {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return x;
        }

        @Override
        public Tensor backward(Tensor gradOut) {
            return null;
        }

        @Override
        public int[] outputShape(int[] inputShape) {
            return inputShape.clone();
        }

        @Override
        public String describe() {
            return "no-input-gradient";
        }
    }
}
