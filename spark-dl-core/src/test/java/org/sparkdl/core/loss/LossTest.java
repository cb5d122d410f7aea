package org.sparkdl.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.FixtureArchive;
import org.sparkdl.core.testing.GradientCheck;

/** Each loss: value and gradient against PyTorch, a finite-difference check, and bad labels. */
class LossTest {
    @ParameterizedTest
    @ValueSource(strings = {"cross_entropy", "hinge", "bce"})
    void matchesPyTorch(String name) {
        FixtureArchive f = FixtureArchive.load("loss_" + name);
        Loss loss = Loss.parse(name);
        float value = loss.forward(f.get("logits"), f.get("labels"));
        assertClose("loss", f.get("loss").data(), new float[] {value}, 1e-4);
        assertClose("dlogits", f.get("dlogits"), loss.backward(), 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cross_entropy", "hinge", "bce"})
    void gradientCheck(String name) {
        Tensor z = GradientCheck.randn(3, 5, 4);
        Tensor target = name.equals("bce")
                ? Tensor.of(
                        new float[] {1, 0, 0.3f, 1, 0, 0, 1, 0.5f, 0.2f, 0.9f, 1, 0, 0, 1, 1, 0, 0.7f, 0.1f, 1, 0},
                        5,
                        4)
                : Tensor.of(new float[] {0, 3, 1, 2, 3}, 5);
        GradientCheck.checkLoss(Loss.parse(name), z, target);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Loss ce = new SoftmaxCrossEntropy();
        float l = ce.forward(Tensor.of(new float[] {1e30f, -1e30f, 0}, 1, 3), Tensor.of(new float[] {1}, 1));
        assertTrue(Float.isFinite(l) || l == Float.POSITIVE_INFINITY);
        float ok = ce.forward(Tensor.of(new float[] {5000f, 4999f, 0}, 1, 3), Tensor.of(new float[] {0}, 1));
        assertEquals(Math.log1p(Math.exp(-1)), ok, 1e-5);
    }

    @Test
    void labelOutsideTheClassRangeIsNamed() {
        Loss ce = new SoftmaxCrossEntropy();
        Tensor z = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> ce.forward(z, Tensor.of(new float[] {0, 3}, 2)));
        assertTrue(
                e.getMessage().contains("label 3.0 at row 1") && e.getMessage().contains("[0, 3)"), e.getMessage());
        var frac =
                assertThrows(IllegalArgumentException.class, () -> ce.forward(z, Tensor.of(new float[] {0.5f, 1}, 2)));
        assertTrue(frac.getMessage().contains("not a class index"), frac.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ce.forward(z, Tensor.of(new float[] {Float.NaN, 1}, 2)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new MulticlassHinge().forward(z, Tensor.of(new float[] {-1, 1}, 2)));
        var bce = assertThrows(
                IllegalArgumentException.class,
                () -> new BinaryCrossEntropy().forward(Tensor.zeros(1, 2), Tensor.of(new float[] {0, 2}, 1, 2)));
        assertTrue(bce.getMessage().contains("outside [0, 1]"), bce.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Loss.parse("mse"));
    }
}
