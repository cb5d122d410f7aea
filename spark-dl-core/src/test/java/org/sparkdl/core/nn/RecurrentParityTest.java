package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.sparkdl.core.testing.Close.assertClose;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.FixtureArchive;

/**
 * Recurrent layers and the embedding against PyTorch's nn.RNN, nn.LSTM, nn.GRU (batch_first,
 * stacked, bidirectional, packed variable-length batches) and nn.Embedding: same weights, same
 * outputs and gradients within 1e-4 relative; and four Adam steps of a small sequence classifier.
 * Fixtures from src/test/python/generate_fixtures.py.
 */
class RecurrentParityTest {
    static final double RTOL = 1e-4;
    private final Kernels kernels = new CpuKernels();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "rnn",
                "lstm",
                "gru",
                "lstm_2layer",
                "gru_bi",
                "rnn_bi_2layer",
                "rnn_packed",
                "gru_packed",
                "lstm_packed_bi_2layer"
            })
    void recurrentMatchesPyTorch(String name) {
        FixtureArchive f = FixtureArchive.load("rnn_" + name);
        int[] c = f.ints("config"); // hidden, layers, directions
        Tensor x = f.get("x").withLengths(f.ints("lengths"));
        Recurrent.Kind kind = Recurrent.Kind.valueOf(name.split("_")[0].toUpperCase(java.util.Locale.ROOT));
        Recurrent r = new Recurrent(kernels, kind, x.dim(2), c[0], c[1], c[2] == 2, 0f, 0);
        for (Param p : r.params()) {
            System.arraycopy(f.get(p.name()).data(), 0, p.data(), 0, p.size());
        }
        Tensor y = r.forward(x, true);
        assertClose("y", f.get("y"), y, RTOL);
        LastStep last = c[2] == 2 ? LastStep.bidirectional(c[0]) : new LastStep();
        assertClose("h_n of the top layer", f.get("h_last"), last.forward(y, false), RTOL);
        Tensor dx = r.backward(f.get("dy"));
        assertClose("dx", f.get("dx"), dx, RTOL);
        for (Param p : r.params()) {
            assertClose("d" + p.name(), f.get("d" + p.name()), p.grad(), RTOL);
        }
    }

    @Test
    void embeddingMatchesPyTorch() {
        FixtureArchive f = FixtureArchive.load("layer_embedding");
        Tensor w = f.get("weight");
        Embedding e = new Embedding(w.dim(0), w.dim(1));
        System.arraycopy(w.data(), 0, e.weight().data(), 0, w.size());
        assertClose("y", f.get("y"), e.forward(f.get("x"), true), RTOL);
        assertNull(e.backward(f.get("dy")), "token ids get no gradient");
        assertClose("dweight", f.get("dweight"), e.weight().grad(), RTOL);
    }

    /** embedding → lstm → last → dense, cross-entropy on a variable-length batch, four Adam steps. */
    @Test
    void sequenceClassifierTrainsLikePyTorch() {
        FixtureArchive f = FixtureArchive.load("model_embedding_lstm_adam");
        Sequential model =
                ModelSpec.parse("embedding(5,vocab=11) lstm(6) last dense(3)").build(new int[] {6}, kernels, 0);
        float[] state = model.state();
        for (Sequential.StateEntry e : model.stateLayout()) {
            System.arraycopy(f.get(e.name()).data(), 0, state, e.offset(), e.size());
        }
        model.loadState(state);
        Optimizer adam = OptimizerConfig.of("adam", 0.01).create(model.params());
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor ids = f.get("ids").withLengths(f.ints("lengths"));
        Tensor labels = f.get("labels");
        float[] losses = f.get("losses").data();
        for (int step = 0; step < losses.length; step++) {
            model.zeroGrad();
            float l = loss.forward(model.forward(ids, true), labels);
            assertEquals(losses[step], l, 1e-4 * losses[step], "loss at step " + (step + 1));
            model.backward(loss.backward());
            adam.step();
        }
        List<Sequential.StateEntry> layout = model.stateLayout();
        float[] after = model.state();
        for (Sequential.StateEntry e : layout) {
            float[] ours = java.util.Arrays.copyOfRange(after, e.offset(), e.offset() + e.size());
            assertClose(
                    e.name() + " after 4 Adam steps", f.get("after." + e.name()).data(), ours, RTOL);
        }
    }
}
