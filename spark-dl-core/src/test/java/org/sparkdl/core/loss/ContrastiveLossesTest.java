package org.sparkdl.core.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.Arrays;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.FixtureArchive;
import org.sparkdl.core.testing.GradientCheck;

/**
 * The self-supervised losses: value and gradient against PyTorch (fixtures of
 * generate_fixtures.py's ssl_losses), central-difference checks of each backward, the key queue,
 * and bad arguments.
 */
class ContrastiveLossesTest {
    /** Central differences of {@code f} at {@code x} against {@code analytic} (a copy is taken). */
    private static void checkGradient(String what, Tensor x, Tensor analytic, Function<Tensor, Float> f) {
        float[] ana = analytic.data().clone();
        GradientCheck.compare(what, x.data(), ana, () -> (double) f.apply(x));
    }

    private static Tensor rows(int first, int count, Tensor t) {
        int d = t.dim(1);
        return Tensor.of(Arrays.copyOfRange(t.data(), first * d, (first + count) * d), count, d);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ntxent", "dcl"})
    void contrastiveMatchesPyTorch(String name) {
        FixtureArchive f = FixtureArchive.load("loss_" + name);
        ContrastiveLoss loss = new ContrastiveLoss(f.scalar("temperature"), name.equals("dcl"));
        float value = loss.forward(f.get("z"));
        assertClose("loss", f.get("loss").data(), new float[] {value}, 1e-4);
        assertClose("dz", f.get("dz"), loss.backward(), 1e-4);
    }

    @Test
    void mocoWithAPartlyFilledQueueMatchesPyTorch() {
        FixtureArchive f = FixtureArchive.load("loss_moco");
        float[] config = f.get("config").data();
        Tensor raw = f.get("queue_raw");
        KeyQueue queue = new KeyQueue(Math.round(config[0]), raw.dim(1));
        queue.enqueue(rows(0, 4, raw));
        queue.enqueue(rows(4, raw.dim(0) - 4, raw));
        assertEquals(raw.dim(0), queue.size());
        Tensor normalized = f.get("queue_normalized");
        assertClose("queue keys", normalized.data(), Arrays.copyOf(queue.keys(), queue.size() * queue.dim()), 1e-5);
        MocoLoss loss = new MocoLoss(config[1]);
        float value = loss.forward(f.get("q"), f.get("k"), queue);
        assertClose("loss", f.get("loss").data(), new float[] {value}, 1e-4);
        assertClose("dq", f.get("dq"), loss.backward(), 1e-4);
    }

    @Test
    void dinoMatchesPyTorch() {
        FixtureArchive f = FixtureArchive.load("loss_dino");
        float[] config = f.get("config").data();
        DinoLoss loss = new DinoLoss(config[0], config[1]);
        float[] center = f.get("center").data();
        float value = loss.forward(f.get("student"), f.get("teacher"), center, Math.round(config[2]));
        assertClose("loss", f.get("loss").data(), new float[] {value}, 1e-4);
        assertClose("dstudent", f.get("dstudent"), loss.backward(), 1e-4);
        DinoLoss.updateCenter(center, f.get("teacher"), config[3]);
        assertClose("center", f.get("new_center").data(), center, 1e-5);
    }

    @Test
    void ntXentGradient() {
        ContrastiveLoss loss = new ContrastiveLoss(0.5, false);
        Tensor z = GradientCheck.randn(7, 6, 4);
        loss.forward(z);
        checkGradient("dz", z, loss.backward(), loss::forward);
    }

    @Test
    void decoupledLossIsFiniteAndItsGradientIsCorrectForTwoSamples() {
        ContrastiveLoss loss = new ContrastiveLoss(0.3, true);
        Tensor z = GradientCheck.randn(8, 4, 3);
        float value = loss.forward(z);
        assertTrue(Float.isFinite(value), "DCL with N=2: " + value);
        checkGradient("dz", z, loss.backward(), loss::forward);
        // identical views: the positive no longer in the denominator, the loss can go below zero
        Tensor same = Tensor.of(new float[] {1, 0, 0, 1, 1, 0, 0, 1}, 4, 2);
        float v = loss.forward(same);
        assertTrue(Float.isFinite(v), "DCL of identical views: " + v);
        for (float g : loss.backward().data()) {
            assertTrue(Float.isFinite(g));
        }
    }

    @Test
    void mocoGradientWithAndWithoutQueue() {
        MocoLoss loss = new MocoLoss(0.2);
        Tensor q = GradientCheck.randn(11, 3, 5);
        Tensor k = GradientCheck.randn(12, 3, 5);
        KeyQueue empty = new KeyQueue(8, 5);
        loss.forward(q, k, empty);
        checkGradient("dq (batch negatives only)", q, loss.backward(), x -> loss.forward(x, k, empty));

        KeyQueue queue = new KeyQueue(8, 5);
        queue.enqueue(GradientCheck.randn(13, 5, 5));
        loss.forward(q, k, queue);
        checkGradient("dq (queue)", q, loss.backward(), x -> loss.forward(x, k, queue));
    }

    @Test
    void dinoGradient() {
        DinoLoss loss = new DinoLoss(0.5, 0.1);
        Tensor teacher = GradientCheck.randn(21, 4, 6); // G = 2, N = 2, K = 6
        float[] center = GradientCheck.randn(22, 6).data();
        Tensor student = GradientCheck.randn(23, 10, 6); // V = 5
        loss.forward(student, teacher, center, 2);
        checkGradient("dstudent", student, loss.backward(), x -> loss.forward(x, teacher, center, 2));
    }

    /** A loss whose teacher temperature is changed computes what one made with that temperature does. */
    @Test
    void dinoTeacherTemperatureCanChangeBetweenSteps() {
        Tensor teacher = GradientCheck.randn(41, 4, 6); // G = 2, N = 2, K = 6
        float[] center = GradientCheck.randn(42, 6).data();
        Tensor student = GradientCheck.randn(43, 8, 6); // V = 4
        DinoLoss direct = new DinoLoss(0.5, 0.07);
        float expected = direct.forward(student, teacher, center, 2);
        float[] expectedGrad = direct.backward().data().clone();
        DinoLoss changed = new DinoLoss(0.5, 0.02);
        float sharp = changed.forward(student, teacher, center, 2);
        changed.setTeacherTemperature(0.07);
        assertEquals(expected, changed.forward(student, teacher, center, 2), 0);
        assertArrayEquals(expectedGrad, changed.backward().data(), 0);
        assertTrue(Math.abs(sharp - expected) > 1e-3, "the temperature changes the loss: " + sharp + ", " + expected);
        var bad = assertThrows(IllegalArgumentException.class, () -> changed.setTeacherTemperature(0));
        assertTrue(bad.getMessage().contains("teacher temperature must be a positive number"), bad.getMessage());
    }

    @Test
    void dinoTeacherEntropyIsThatOfTheCentredSharpenedTeacher() {
        double tt = 0.1;
        DinoLoss loss = new DinoLoss(0.5, tt);
        assertTrue(Double.isNaN(loss.teacherEntropy()), "no entropy before a forward");
        Tensor teacher = GradientCheck.randn(31, 4, 6); // G = 2, N = 2, K = 6
        float[] center = GradientCheck.randn(32, 6).data();
        Tensor student = GradientCheck.randn(33, 6, 6); // V = 3
        loss.forward(student, teacher, center, 2);
        double expected = 0;
        for (int r = 0; r < 4; r++) {
            double[] p = new double[6];
            double sum = 0;
            for (int j = 0; j < 6; j++) {
                p[j] = Math.exp((teacher.data()[r * 6 + j] - center[j]) / tt);
                sum += p[j];
            }
            for (int j = 0; j < 6; j++) {
                expected -= p[j] / sum * Math.log(p[j] / sum) / 4;
            }
        }
        assertEquals(expected, loss.teacherEntropy(), 1e-6);
        assertTrue(expected > 0.01 && expected < Math.log(6) - 0.01, "neither uniform nor one-hot: " + expected);

        // every output equal to the centre: the uniform distribution of a collapsed DINO, entropy ln K
        float[] flat = new float[24];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = center[i % 6];
        }
        loss.forward(student, Tensor.of(flat, 4, 6), center, 2);
        assertEquals(Math.log(6), loss.teacherEntropy(), 1e-6);
    }

    @Test
    void keyQueueWrapsAround() {
        KeyQueue queue = new KeyQueue(3, 2);
        assertEquals(0, queue.size());
        queue.enqueue(Tensor.of(new float[] {3, 4, 0, 2}, 2, 2));
        assertEquals(2, queue.size());
        assertArrayEquals(new float[] {0.6f, 0.8f, 0, 1, 0, 0}, queue.keys(), 1e-6f);
        queue.enqueue(Tensor.of(new float[] {-5, 0, 0, -1}, 2, 2)); // fills row 2, then overwrites the oldest
        assertEquals(3, queue.size());
        assertEquals(3, queue.capacity());
        assertArrayEquals(new float[] {0, -1, 0, 1, -1, 0}, queue.keys(), 1e-6f);

        // more keys than the capacity at once: as if enqueued one by one
        float[] many = GradientCheck.randn(31, 5, 2).data();
        KeyQueue a = new KeyQueue(3, 2);
        KeyQueue b = new KeyQueue(3, 2);
        a.enqueue(Tensor.of(new float[] {1, 1}, 1, 2));
        b.enqueue(Tensor.of(new float[] {1, 1}, 1, 2));
        a.enqueue(Tensor.of(many.clone(), 5, 2));
        for (int r = 0; r < 5; r++) {
            b.enqueue(Tensor.of(Arrays.copyOfRange(many, 2 * r, 2 * r + 2), 1, 2));
        }
        float[] sa = new float[a.stateSize()];
        float[] sb = new float[b.stateSize()];
        a.copyStateTo(sa, 0);
        b.copyStateTo(sb, 0);
        assertArrayEquals(sb, sa);
        assertThrows(IllegalArgumentException.class, () -> a.enqueue(Tensor.zeros(2, 3)));
    }

    @Test
    void keyQueueStateRoundTrip() {
        KeyQueue queue = new KeyQueue(4, 3);
        queue.enqueue(GradientCheck.randn(41, 3, 3));
        assertEquals(4 * 3 + 2, queue.stateSize());
        float[] state = new float[queue.stateSize() + 5];
        queue.copyStateTo(state, 5);
        assertEquals(3f, state[5 + 12]); // fill count
        assertEquals(3f, state[5 + 13]); // write position

        KeyQueue restored = new KeyQueue(4, 3);
        restored.loadState(state, 5);
        assertEquals(3, restored.size());
        assertArrayEquals(queue.keys(), restored.keys());
        Tensor more = GradientCheck.randn(42, 2, 3);
        queue.enqueue(more);
        restored.enqueue(more);
        assertEquals(4, restored.size());
        assertArrayEquals(queue.keys(), restored.keys());

        state[5 + 12] = 7; // a fill count beyond the capacity
        var e = assertThrows(IllegalArgumentException.class, () -> restored.loadState(state, 5));
        assertTrue(e.getMessage().contains("fill count"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> restored.loadState(new float[10], 0));
    }

    @Test
    void badTemperaturesAndBatchesAreNamed() {
        for (double t : new double[] {0, -0.1, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ContrastiveLoss(t, false));
            assertTrue(e.getMessage().contains("temperature"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new MocoLoss(t));
            assertTrue(e.getMessage().contains("temperature"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new DinoLoss(t, 0.04));
            assertTrue(e.getMessage().contains("student temperature"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new DinoLoss(0.1, t));
            assertTrue(e.getMessage().contains("teacher temperature"), e.getMessage());
        }
        ContrastiveLoss loss = new ContrastiveLoss(0.5, true);
        var small = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(2, 3)));
        assertTrue(small.getMessage().contains("at least 2 samples per batch"), small.getMessage());
        var odd = assertThrows(IllegalArgumentException.class, () -> loss.forward(Tensor.zeros(5, 3)));
        assertTrue(odd.getMessage().contains("2N x D"), odd.getMessage());

        MocoLoss moco = new MocoLoss(0.2);
        var none = assertThrows(
                IllegalArgumentException.class,
                () -> moco.forward(Tensor.zeros(1, 4), Tensor.zeros(1, 4), new KeyQueue(4, 4)));
        assertTrue(none.getMessage().contains("at least one negative"), none.getMessage());
        var dim = assertThrows(
                IllegalArgumentException.class,
                () -> moco.forward(Tensor.zeros(2, 4), Tensor.zeros(2, 4), new KeyQueue(4, 3)));
        assertTrue(dim.getMessage().contains("dimension 4"), dim.getMessage());

        DinoLoss dino = new DinoLoss(0.1, 0.04);
        var views = assertThrows(
                IllegalArgumentException.class,
                () -> dino.forward(Tensor.zeros(5, 3), Tensor.zeros(4, 3), new float[3], 2));
        assertTrue(views.getMessage().contains("V >= 2"), views.getMessage());
        var center = assertThrows(
                IllegalArgumentException.class,
                () -> dino.forward(Tensor.zeros(8, 3), Tensor.zeros(4, 3), new float[2], 2));
        assertTrue(center.getMessage().contains("expected 3"), center.getMessage());
    }
}
