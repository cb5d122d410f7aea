package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.optim.Optimizer;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.GradientCheck;

/** An encoder and a separately built head, chained: the encoder must get its gradients. */
class ChainTest {
    private final Kernels kernels = new CpuKernels();

    private Sequential encoder(long seed) {
        return ModelSpec.parse("conv(3,3,pad=1) relu maxpool(2) flatten").build(new int[] {2, 6, 6}, kernels, seed);
    }

    private Sequential head(long seed) {
        return ModelSpec.parse("dense(5) tanh dense(3)").build(new int[] {27}, kernels, seed);
    }

    @Test
    void gradientsFlowThroughBothModels() {
        Chain chain = new Chain(encoder(41), head(42));
        chain.setInputGradient(true); // check dInput as well
        GradientCheck.check(chain, randn(43, 3, 2, 6, 6));
    }

    @Test
    void theEncoderGetsNonZeroGradients() {
        Chain chain = new Chain(encoder(44), head(45));
        chain.zeroGrad();
        chain.forward(randn(46, 4, 2, 6, 6), true);
        chain.backward(randn(47, 4, 3));
        for (Param p : chain.first().params()) {
            assertTrue(anyNonZero(p.gradData()), "encoder " + p.name() + " got no gradient");
        }
    }

    @Test
    void trainsEndToEnd() {
        Chain chain = new Chain(encoder(48), head(49));
        float[] encoderBefore = chain.first().state();
        Optimizer opt = OptimizerConfig.of("adam", 0.02).create(chain.params());
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy();
        Tensor x = randn(50, 12, 2, 6, 6);
        float[] labels = new float[12];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3;
        }
        Tensor y = Tensor.of(labels, 12);
        float first = 0;
        float last = 0;
        for (int step = 0; step < 60; step++) {
            chain.zeroGrad();
            last = loss.forward(chain.forward(x, true), y);
            if (step == 0) {
                first = last;
            }
            chain.backward(loss.backward());
            opt.step();
        }
        assertTrue(last < 0.2 * first, "loss " + first + " -> " + last);
        assertTrue(!Arrays.equals(encoderBefore, chain.first().state()), "the encoder must train");
    }

    @Test
    void stateIsTheFirstModelsThenTheSeconds() {
        Sequential enc = encoder(51);
        Sequential head = head(52);
        Chain chain = new Chain(enc, head);
        float[] s = chain.state();
        assertEquals(enc.stateSize() + head.stateSize(), s.length);
        assertArrayEquals(enc.state(), Arrays.copyOfRange(s, 0, enc.stateSize()));
        assertArrayEquals(head.state(), Arrays.copyOfRange(s, enc.stateSize(), s.length));
        assertEquals(enc.params().size() + head.params().size(), chain.params().size());
        assertEquals(enc.params().get(0), chain.params().get(0));

        Chain other = new Chain(encoder(53), head(54));
        other.loadState(s);
        assertArrayEquals(s, other.state());
        assertArrayEquals(new int[] {3}, chain.outputShape(new int[] {2, 6, 6}));
    }

    @Test
    void theHeadMustTakeWhatTheEncoderPutsOut() {
        Sequential wrongHead = ModelSpec.parse("dense(3)").build(new int[] {26}, kernels, 1);
        var e = assertThrows(ShapeException.class, () -> new Chain(encoder(55), wrongHead));
        assertTrue(e.getMessage().contains("26") && e.getMessage().contains("27"), e.getMessage());
    }

    private static boolean anyNonZero(float[] a) {
        for (float v : a) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }
}
