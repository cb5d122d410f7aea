package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;

/**
 * The fusion rewrite: which layers become a {@link ConvBlock}, and that a fused model is the
 * unfused one in everything but speed (outputs, gradients, spec, state names).
 */
class LayerFusionTest {
    /** Every kind of run: conv relu maxpool, conv relu, conv maxpool, and conv followed by neither. */
    private static final String SPEC = "conv(3,3,pad=1) relu maxpool(2) batchnorm conv(4,3,pad=1) relu"
            + " conv(4,3,pad=1) maxpool(2,1) conv(2,3) tanh avgpool(2) flatten dense(3)";

    private static final int[] INPUT = {2, 12, 12};
    private final Kernels kernels = new CpuKernels();
    private final ModelSpec spec = ModelSpec.parse(SPEC);

    private Sequential fused() {
        return spec.build(INPUT, kernels, Initializer.HE_NORMAL, 31);
    }

    private Sequential unfused() {
        return new Sequential(INPUT, spec.buildLayers(INPUT, kernels, Initializer.HE_NORMAL, 31));
    }

    @Test
    void fusesEachConvolutionWithTheReluAndMaxPoolingAfterIt() {
        List<Layer> layers = spec.buildLayers(INPUT, kernels, Initializer.HE_NORMAL, 31);
        List<Layer> fused = LayerFusion.fuse(layers);
        assertEquals(
                List.of(
                        "conv(3,3,pad=1)+relu+maxpool(2)",
                        "batchnorm",
                        "conv(4,3,pad=1)+relu",
                        "conv(4,3,pad=1)+maxpool(2,stride=1)",
                        "conv(2,3)",
                        "tanh",
                        "avgpool(2)",
                        "flatten",
                        "dense(3)"),
                fused.stream().map(Layer::describe).toList());
        assertEquals(13, layers.size(), "the input list is left as it is");
        assertSame(layers.get(0), ((ConvBlock) fused.get(0)).conv());
        assertSame(layers.get(3), fused.get(1), "layers not fused are kept");
        assertSame(layers.get(8), fused.get(4));
        assertSame(layers.get(0).params().get(0), fused.get(0).params().get(0), "a block has the conv's params");
    }

    @Test
    void fusedAndUnfusedModelsComputeTheSame() {
        Sequential fused = fused();
        Sequential apart = unfused();
        // Both report their input gradient, so the comparison covers it.
        fused.setInputGradient(true);
        apart.setInputGradient(true);
        assertArrayEquals(apart.state(), fused.state(), "same weights");
        assertArrayEquals(apart.outputShape(), fused.outputShape());

        Tensor x = randn(32, 5, 2, 12, 12);
        Tensor dy = randn(33, 5, 3);
        float[] yApart = apart.forward(x, true).data().clone();
        float[] yFused = fused.forward(x, true).data().clone();
        assertArrayEquals(yApart, yFused, "forward");
        float[] dxApart = apart.backward(dy).data().clone();
        float[] dxFused = fused.backward(dy).data().clone();
        assertArrayEquals(dxApart, dxFused, 1e-6f, "input gradient");
        for (int i = 0; i < apart.params().size(); i++) {
            assertArrayEquals(
                    apart.params().get(i).gradData(),
                    fused.params().get(i).gradData(),
                    1e-5f,
                    "gradient of " + apart.stateLayout().get(i).name());
        }
        assertArrayEquals(apart.state(), fused.state(), "batchnorm running statistics");
    }

    @Test
    void summaryShowsWhatRunsAndTheStateKeepsItsNames() {
        Sequential fused = fused();
        Sequential apart = unfused();
        String summary = fused.summary();
        assertTrue(summary.contains("conv(3,3,pad=1)+relu+maxpool(2) "), summary);
        assertEquals(fused.layers().size() + 3, summary.lines().count(), summary); // header, input, total
        assertEquals(apart.layers().size() + 3, apart.summary().lines().count());

        assertEquals(names(apart), names(fused));
        assertEquals(
                List.of(
                        "0.weight 3x2x3x3 @0",
                        "0.bias 3 @54",
                        "3.gamma 3 @57",
                        "3.beta 3 @60",
                        "4.weight 4x3x3x3 @63",
                        "4.bias 4 @171",
                        "6.weight 4x4x3x3 @175",
                        "6.bias 4 @319",
                        "8.weight 2x4x3x3 @323",
                        "8.bias 2 @395",
                        "12.weight 3x2 @397",
                        "12.bias 3 @403",
                        "3.running_mean 3 @406",
                        "3.running_var 3 @409"),
                names(fused));
        assertEquals(apart.stateSize(), fused.stateSize());

        int[] specIndexes = new int[fused.layers().size()];
        for (int i = 0; i < specIndexes.length; i++) {
            specIndexes[i] = fused.specIndex(i);
        }
        assertArrayEquals(new int[] {0, 3, 4, 6, 8, 9, 10, 11, 12}, specIndexes);
    }

    @Test
    void describeIsTheSpecAndRoundTrips() {
        Sequential fused = fused();
        assertEquals(unfused().describe(), fused.describe());
        assertEquals(
                "conv(3,3,pad=1) relu maxpool(2) batchnorm conv(4,3,pad=1) relu conv(4,3,pad=1)"
                        + " maxpool(2,stride=1) conv(2,3) tanh avgpool(2) flatten dense(3)",
                fused.describe());
        Sequential again = ModelSpec.parse(fused.describe()).build(INPUT, kernels, Initializer.HE_NORMAL, 31);
        assertEquals(fused.describe(), again.describe());
        assertEquals(names(fused), names(again));
        assertArrayEquals(fused.state(), again.state());
    }

    @Test
    void stateSavedUnfusedLoadsFused() {
        Sequential apart = new Sequential(INPUT, spec.buildLayers(INPUT, kernels, Initializer.XAVIER_NORMAL, 7));
        Sequential fused = fused();
        Tensor x = randn(34, 3, 2, 12, 12);
        apart.forward(x, true); // moves the running statistics
        fused.loadState(apart.state());
        assertArrayEquals(
                apart.forward(x, false).data(), fused.forward(x, false).data());
    }

    @Test
    void onlyMaxPoolingRunsInsideAConvolution() {
        Conv2d conv = new Conv2d(kernels, 1, 2, 3, 3, 1, 1);
        Pool2d avg = new Pool2d(kernels, Pool2d.Kind.AVG, 2, 2);
        assertThrows(IllegalArgumentException.class, () -> new ConvBlock(conv, null, avg));
        List<Layer> kept = LayerFusion.fuse(List.of(conv, avg));
        assertSame(conv, kept.get(0));
        assertSame(avg, kept.get(1));
        assertInstanceOf(
                ConvBlock.class,
                LayerFusion.fuse(List.of(conv, new Activation.ReLU(), avg)).get(0));
    }

    /** name, shape and offset of each state tensor. */
    private static List<String> names(Sequential model) {
        return model.stateLayout().stream()
                .map(e -> e.name() + " " + org.sparkdl.core.tensor.Shapes.describe(e.shape()) + " @" + e.offset())
                .toList();
    }
}
