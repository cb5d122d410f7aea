package org.sparkdl.core.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/** The sequence tokens: shapes inferred from a T,F or T input shape, and errors that name the token. */
class SequenceSpecTest {
    private final CpuKernels kernels = new CpuKernels();

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "lstm(128) last dense(10) | 28,28 | 10 | lstm(128) last dense(10)",
                "embedding(32, vocab=60) lstm(64, layers=2, dropout=0.2) dense(60) | 100 | 100x60"
                        + " | embedding(32,vocab=60) lstm(64,layers=2,dropout=0.2) dense(60)",
                "gru(32, bidirectional=true) last dense(4) | 12,3 | 4 | gru(32,bidirectional=true) last dense(4)",
                "rnn(8) relu dropout(0.1) gru(6, bidirectional=TRUE) tanh last | 5,2 | 12"
                        + " | rnn(8) relu dropout(0.1) gru(6,bidirectional=true) tanh last",
            })
    void sequenceSpecsBuildAndRun(String spec, String input, String output, String described) {
        int[] in = Shapes.parse(input);
        Sequential m = ModelSpec.parse(spec).build(in, kernels, 1);
        assertEquals(output, Shapes.describe(m.outputShape()));
        assertEquals(described.trim(), m.describe());
        assertEquals(
                described.trim(),
                ModelSpec.parse(m.describe()).build(in, kernels, 1).describe());
        int n = 3;
        float[] x = new float[n * Shapes.size(in)];
        for (int i = 0; i < x.length; i++) {
            x[i] = in.length == 1 ? i % 7 : (float) Math.sin(i);
        }
        Tensor batch = Tensor.of(x, Shapes.withBatch(n, in)).withLengths(new int[] {in[0], 1, in[0] / 2});
        Tensor y = m.forward(batch, true);
        assertArrayEquals(Shapes.withBatch(n, m.outputShape()), y.shape());
        m.backward(Tensor.zeros(y.shape()));
        assertTrue(m.summary().contains(Shapes.describe(m.outputShape())), m.summary());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "flatten lstm(8) | 28,28 | token 2 'lstm(8)': needs a sequence T x F input (steps, features) but gets 784",
                "lstm(8) | 1,28,28 | token 1 'lstm(8)': needs a sequence T x F input (steps, features) but gets 1x28x28",
                "dense(5) last | 784 | token 2 'last': needs a sequence T x F input (steps, features) but gets 5",
                "lstm(8) embedding(4, vocab=10) | 28,28 | token 2 'embedding(4, vocab=10)': must be the model's"
                        + " first layer",
                "embedding(4) | 28 | token 1 'embedding(4)': missing vocab",
                "embedding(4, vocab=10) | 28,28 | token 1 'embedding(4, vocab=10)': needs token ids, an input shape T",
                "gru(8, bidirectional=yes) | 28,28 | token 1 'gru(8, bidirectional=yes)': bidirectional must be true"
                        + " or false, got 'yes'",
                "lstm(8, dropout=1) | 28,28 | token 1 'lstm(8, dropout=1)': dropout must be in [0.0, 1.0), got 1",
                "lstm(8, layers=0) | 28,28 | token 1 'lstm(8, layers=0)': layers must be a positive integer, got '0'",
                "rnn(8, hidden=3) | 28,28 | token 1 'rnn(8, hidden=3)': argument 'hidden' given twice",
                "lstm | 28,28 | token 1 'lstm': missing hidden",
                "conv(4,3) lstm(8) | 1,28,28 | token 2 'lstm(8)': needs a sequence T x F input",
            })
    void badSequenceSpecsNameTheToken(String spec, String input, String message) {
        SpecException e =
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec).build(Shapes.parse(input), kernels, 0));
        assertTrue(e.getMessage().contains(message.trim()), e.getMessage());
    }
}
