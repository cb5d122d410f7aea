package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;

/**
 * Variable lengths and state carrying: a padded batch computes what each sequence alone does,
 * and a long sequence fed in chunks with carried state what it does in one piece.
 */
class SequenceBatchTest {
    private static final int F = 3;
    private final Kernels kernels = new CpuKernels();

    private Recurrent twoLayersBidirectional(Recurrent.Kind kind) {
        Recurrent r = new Recurrent(kernels, kind, F, 4, 2, true, 0f, 0);
        r.initialize(Initializer.HE_NORMAL, new SplittableRandom(8));
        return r;
    }

    /** Steps {@code [from, to)} of the samples {@code [n0, n1)} of x[N, T, F], as a new tensor. */
    private static Tensor slice(Tensor x, int n0, int n1, int from, int to) {
        int steps = x.dim(1);
        int f = x.dim(2);
        float[] out = new float[(n1 - n0) * (to - from) * f];
        for (int i = n0; i < n1; i++) {
            System.arraycopy(x.data(), (i * steps + from) * f, out, ((i - n0) * (to - from)) * f, (to - from) * f);
        }
        return Tensor.of(out, n1 - n0, to - from, f);
    }

    private static float[] gradients(Layer l) {
        int size = 0;
        for (Param p : l.params()) {
            size += p.size();
        }
        float[] g = new float[size];
        int off = 0;
        for (Param p : l.params()) {
            System.arraycopy(p.gradData(), 0, g, off, p.size());
            off += p.size();
        }
        return g;
    }

    @ParameterizedTest
    @EnumSource(Recurrent.Kind.class)
    void paddedBatchComputesWhatEachSequenceAloneDoes(Recurrent.Kind kind) {
        int[] lengths = {2, 5, 3};
        Recurrent batched = twoLayersBidirectional(kind);
        Recurrent alone = twoLayersBidirectional(kind);
        Tensor x = randn(40, 3, 5, F); // padded steps hold noise, not zeros
        Tensor dy = randn(41, 3, 5, 8); // and so does their gradient
        Tensor y = batched.forward(x.withLengths(lengths), true).copy();
        Tensor dx = batched.backward(dy).copy();
        for (int i = 0; i < 3; i++) {
            int len = lengths[i];
            Tensor yi = alone.forward(slice(x, i, i + 1, 0, len), true);
            Tensor dxi = alone.backward(slice(dy, i, i + 1, 0, len));
            assertArrayEquals(yi.data(), slice(y, i, i + 1, 0, len).data(), 1e-6f, "output of sequence " + i);
            assertArrayEquals(dxi.data(), slice(dx, i, i + 1, 0, len).data(), 1e-6f, "input gradient " + i);
            if (len < 5) {
                assertArrayEquals(
                        new float[(5 - len) * 8], slice(y, i, i + 1, len, 5).data(), "padded outputs");
                assertArrayEquals(
                        new float[(5 - len) * F], slice(dx, i, i + 1, len, 5).data(), "padded gradient");
            }
        }
        // the alone runs accumulated their parameter gradients: the sum over the sequences
        assertArrayEquals(gradients(alone), gradients(batched), 1e-5f, "parameter gradients");
    }

    @ParameterizedTest
    @EnumSource(Recurrent.Kind.class)
    void chunksWithCarriedStateGiveTheOutputsOfOneLongForward(Recurrent.Kind kind) {
        Recurrent r = new Recurrent(kernels, kind, F, 4, 2, false, 0f, 0);
        r.initialize(Initializer.HE_NORMAL, new SplittableRandom(9));
        Tensor x = randn(42, 2, 8, F);
        int[] lengths = {8, 7}; // the second sequence ends inside the last chunk
        float[] whole = r.forward(x.withLengths(lengths), false).data().clone();
        r.setCarryState(true);
        int[][] chunks = {{0, 3}, {3, 6}, {6, 8}};
        for (int round = 0; round < 2; round++) { // the second time after resetState
            for (int[] c : chunks) {
                int[] chunkLengths = {Math.min(lengths[0], c[1]) - c[0], Math.min(lengths[1], c[1]) - c[0]};
                Tensor y = r.forward(slice(x, 0, 2, c[0], c[1]).withLengths(chunkLengths), true);
                r.backward(Tensor.zeros(y.shape())); // training on a chunk stops at its first step
                Tensor expected = slice(Tensor.of(whole, 2, 8, 4), 0, 2, c[0], c[1]);
                assertArrayEquals(expected.data(), y.data(), 1e-6f, "chunk " + c[0] + ".." + c[1]);
            }
            r.resetState();
        }
        r.forward(slice(x, 0, 2, 0, 3), false);
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> r.forward(slice(x, 0, 1, 3, 6), false));
        assertTrue(e.getMessage().contains("resetState()"), e.getMessage());
        r.setCarryState(false);
        assertArrayEquals(
                slice(Tensor.of(whole, 2, 8, 4), 0, 1, 0, 3).data(),
                r.forward(slice(x, 0, 1, 0, 3), false).data(),
                1e-6f,
                "carrying off: from zeros");
    }

    @Test
    void sequentialCarriesLengthsWhileTheTimeAxisLastsAndResetsEveryRecurrentLayer() {
        Sequential m = ModelSpec.parse("embedding(4,vocab=9) gru(5) tanh dropout(0.3) lstm(3,layers=2) dense(9)")
                .build(new int[] {6}, kernels, 3);
        Tensor ids = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 99, 99, 99}, 2, 6);
        Tensor y = m.forward(ids.withLengths(new int[] {6, 3}), true);
        assertArrayEquals(new int[] {2, 6, 9}, y.shape());
        assertArrayEquals(new int[] {6, 3}, y.lengths());
        assertArrayEquals(new float[27], java.util.Arrays.copyOfRange(y.data(), 6 * 9 + 27, 12 * 9), "padded logits");
        m.backward(randn(43, 2, 6, 9));
        Tensor full = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 1, 1}, 2, 6);
        m.setCarryState(true);
        Tensor a = m.forward(full, false).copy();
        Tensor b = m.forward(full, false);
        assertTrue(!java.util.Arrays.equals(a.data(), b.data()), "the second forward starts from the first's state");
        m.resetState();
        assertArrayEquals(a.data(), m.forward(full, false).data(), "reset: from zeros again");
    }

    @Test
    void embeddingRejectsIdsOutsideTheVocabularyByPosition() {
        Embedding e = new Embedding(10, 2);
        IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> e.forward(Tensor.of(new float[] {1, 2, 3, 10}, 2, 2), true));
        assertTrue(ex.getMessage().contains("id 10 at sample 1, step 1"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(new float[] {-1, 2}, 1, 2), true));
        assertThrows(IllegalArgumentException.class, () -> e.forward(Tensor.of(new float[] {1.5f, 2}, 1, 2), true));
        // padding is not read
        Tensor padded = Tensor.of(new float[] {1, 2, 3, -7}, 2, 2).withLengths(new int[] {2, 1});
        assertEquals(0f, e.forward(padded, true).data()[7]);
    }

    @Test
    void embeddingMustComeFirst() {
        Embedding e = new Embedding(10, 2);
        Sequential m = new Sequential(new int[] {3}, List.of(new Activation.ReLU(), e));
        m.forward(Tensor.of(new float[] {1, 2, 3}, 1, 3), true);
        assertThrows(IllegalStateException.class, () -> m.backward(Tensor.zeros(1, 3, 2)));
        assertNull(e.backward(Tensor.zeros(1, 3, 2)));
    }

    @Test
    void lengthsAreChecked() {
        Tensor x = Tensor.zeros(2, 4, 3);
        assertThrows(IllegalArgumentException.class, () -> x.withLengths(new int[] {4}));
        assertThrows(IllegalArgumentException.class, () -> x.withLengths(new int[] {0, 4}));
        assertThrows(IllegalArgumentException.class, () -> x.withLengths(new int[] {5, 4}));
        Tensor withLengths = x.withLengths(new int[] {4, 1});
        assertSame(x.data(), withLengths.data(), "a view");
        assertNull(withLengths.reshape(2, 12).lengths(), "a new shape has no time axis to keep");
    }
}
