package org.sparkdl.core.nn;

import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.GradientCheck;

/**
 * Finite-difference checks of the sequence layers: every recurrent cell uni- and bidirectional,
 * stacked, with and without lengths (the padded steps' inputs get exactly zero gradient), the
 * dropout between layers, Embedding, LastStep and Dense per step.
 */
class RecurrentGradientTest {
    private static final int[] LENGTHS = {4, 2, 3};
    private final Kernels kernels = new CpuKernels();

    private Recurrent recurrent(Recurrent.Kind kind, int in, int layers, boolean bidirectional, float dropout) {
        Recurrent r = new Recurrent(kernels, kind, in, 3, layers, bidirectional, dropout, 5);
        r.initialize(Initializer.HE_NORMAL, new SplittableRandom(7));
        return r;
    }

    private static Tensor sequences(long seed, boolean withLengths) {
        Tensor x = randn(seed, 3, 4, 2);
        return withLengths ? x.withLengths(LENGTHS) : x;
    }

    @ParameterizedTest(name = "{0} layers={1} bidirectional={2} lengths={3}")
    @CsvSource({
        "RNN,1,false,false",
        "RNN,1,true,true",
        "RNN,2,false,true",
        "LSTM,1,false,false",
        "LSTM,1,false,true",
        "LSTM,2,true,true",
        "GRU,1,false,false",
        "GRU,1,true,true",
        "GRU,2,true,false",
        "GRU,2,false,true"
    })
    void recurrent(Recurrent.Kind kind, int layers, boolean bidirectional, boolean lengths) {
        GradientCheck.check(recurrent(kind, 2, layers, bidirectional, 0f), sequences(31, lengths));
    }

    @Test
    void dropoutBetweenLayersWithAFixedSeed() {
        Recurrent r = recurrent(Recurrent.Kind.LSTM, 2, 2, true, 0.4f);
        GradientCheck.check(r, sequences(32, true), in -> {
            r.reseed(11); // the same masks at every evaluation
            return r.forward(in, true);
        });
    }

    @Test
    void embedding() {
        Embedding e = new Embedding(6, 3);
        e.initialize(Initializer.HE_NORMAL, new SplittableRandom(3));
        Tensor ids = Tensor.of(new float[] {0, 5, 2, 2, 1, 1, 4, 9, 3, 0, 5, 5}, 3, 4);
        // the 9 is padding (sample 1 has 2 steps): never read
        GradientCheck.check(e, ids.withLengths(new int[] {4, 2, 3}));
    }

    @ParameterizedTest(name = "bidirectional={0}")
    @CsvSource({"false", "true"})
    void lastStep(boolean bidirectional) {
        LastStep last = bidirectional ? LastStep.bidirectional(2) : new LastStep();
        GradientCheck.check(last, randn(33, 3, 4, 4).withLengths(LENGTHS));
    }

    @ParameterizedTest(name = "bidirectional={0}")
    @CsvSource({"false", "true"})
    void recurrentThenLast(boolean bidirectional) {
        Recurrent r = recurrent(Recurrent.Kind.GRU, 2, 1, bidirectional, 0f);
        LastStep last = bidirectional ? LastStep.bidirectional(3) : new LastStep();
        Sequential model = new Sequential(new int[] {4, 2}, List.of(r, last));
        model.setInputGradient(true);
        GradientCheck.check(model, sequences(34, true));
    }

    @Test
    void densePerStep() {
        Dense d = new Dense(kernels, 2, 3);
        d.initialize(Initializer.XAVIER_NORMAL, new SplittableRandom(1));
        GradientCheck.check(d, sequences(35, true));
    }
}
