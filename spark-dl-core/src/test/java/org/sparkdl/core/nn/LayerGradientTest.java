package org.sparkdl.core.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.sparkdl.core.testing.GradientCheck.awayFromZero;
import static org.sparkdl.core.testing.GradientCheck.distinct;
import static org.sparkdl.core.testing.GradientCheck.randn;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.init.Initializer;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.kernels.Kernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.testing.GradientCheck;

/** Finite-difference checks of every layer's backward pass. */
class LayerGradientTest {
    private final Kernels kernels = new CpuKernels();

    @Test
    void dense() {
        Dense d = new Dense(kernels, 5, 3);
        d.initialize(Initializer.XAVIER_NORMAL, new SplittableRandom(1));
        GradientCheck.check(d, randn(2, 4, 5));
    }

    @ParameterizedTest(name = "conv in={0} out={1} k={2} stride={3} pad={4} on {5}x{6}")
    @CsvSource({
        "1,2,3,1,0,6,6",
        "3,4,3,2,1,7,6",
        "2,3,5,1,2,8,8",
        "2,2,2,3,0,8,7",
        "2,3,3,2,2,5,5",
        // 8 channels and more, stride 1, 3x3 and 5x5: the CPU kernels run these by Winograd's algorithm
        "8,8,3,1,1,6,6",
        "8,9,5,1,2,8,8"
    })
    void conv(int in, int out, int k, int stride, int pad, int h, int w) {
        Conv2d c = new Conv2d(kernels, in, out, k, k, stride, pad);
        c.initialize(Initializer.HE_NORMAL, new SplittableRandom(3));
        float[] b = c.bias().data();
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.1f * (i + 1);
        }
        // a convolution is linear in its input and in each weight: steps of 0.1 are exact
        GradientCheck.check(c, randn(4, 2, in, h, w), 0.1);
    }

    @ParameterizedTest(name = "{0} k={1} stride={2}")
    @CsvSource({"MAX,2,2", "MAX,3,2", "MAX,2,1", "AVG,2,2", "AVG,3,2", "AVG,3,1"})
    void pooling(Pool2d.Kind kind, int k, int stride) {
        GradientCheck.check(new Pool2d(kernels, kind, k, stride), distinct(5, 2, 3, 7, 7));
    }

    @Test
    void l2Normalize() {
        GradientCheck.check(new L2Normalize(), randn(11, 4, 6));
    }

    @Test
    void prototypes() {
        Prototypes p = new Prototypes(kernels, 6, 5);
        p.initialize(Initializer.HE_NORMAL, new SplittableRandom(12));
        GradientCheck.check(p, randn(13, 4, 6));
    }

    @Test
    void flatten() {
        GradientCheck.check(new Flatten(), randn(6, 2, 3, 2, 2));
    }

    @Test
    void dropoutWithFixedMask() {
        Dropout d = new Dropout(0.4f, 9);
        Tensor x = randn(7, 3, 8);
        float[] keep = new float[x.size()];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = i % 3 == 0 ? 0 : 1;
        }
        GradientCheck.check(d, x, in -> d.forwardWithMask(in, keep));
    }

    @Test
    void batchNormDenseTraining() {
        BatchNorm bn = new BatchNorm(4, 0.1f, 1e-5f);
        randomizeAffine(bn.gamma(), bn.beta());
        GradientCheck.check(bn, randn(8, 6, 4));
    }

    @Test
    void batchNormConvTraining() {
        BatchNorm bn = new BatchNorm(3, 0.1f, 1e-5f);
        randomizeAffine(bn.gamma(), bn.beta());
        GradientCheck.check(bn, randn(10, 2, 3, 3, 3));
    }

    @Test
    void batchNormInference() {
        BatchNorm bn = new BatchNorm(3, 0.1f, 1e-5f);
        randomizeAffine(bn.gamma(), bn.beta());
        bn.forward(randn(11, 4, 3, 2, 2), true); // moves the running statistics off their defaults
        GradientCheck.check(bn, randn(12, 2, 3, 2, 2), in -> bn.forward(in, false));
    }

    @Test
    void layerNorm() {
        LayerNorm ln = new LayerNorm(new int[] {2, 3, 2}, 1e-5f);
        randomizeAffine(ln.gamma(), ln.beta());
        GradientCheck.check(ln, randn(13, 3, 2, 3, 2));
    }

    @ParameterizedTest
    @CsvSource({"relu", "leakyrelu(0.1)", "elu(1.0)", "gelu", "sigmoid", "tanh"})
    void activation(String token) {
        Layer a = ModelSpec.parse(token)
                .build(new int[] {12}, kernels, 0)
                .layers()
                .get(0);
        GradientCheck.check(a, awayFromZero(randn(14, 4, 12), 0.01f));
    }

    @Test
    void wholeModelThroughTheChain() {
        var model = ModelSpec.parse("conv(3,3,pad=1) batchnorm relu maxpool(2) conv(4,3,stride=2,pad=1) tanh"
                        + " flatten dense(5) layernorm gelu dense(3)")
                .build(new int[] {2, 6, 6}, kernels, 21);
        // The first layer skips its input gradient inside a model; check the parameters.
        Tensor x = randn(22, 4, 2, 6, 6);
        GradientCheck.check(new ParamsOnly(model), x);
    }

    @Test
    void convolutionsWithFusedRelusThroughTheChain() {
        var model = ModelSpec.parse(
                        "conv(3,3,pad=1) relu maxpool(2) conv(4,3,stride=2,pad=1) maxpool(2,1) relu flatten dense(3)")
                .build(new int[] {2, 6, 6}, kernels, 23);
        GradientCheck.check(new ParamsOnly(model), randn(24, 3, 2, 6, 6));
    }

    /**
     * {@link LayerFusion} runs a convolution and the ReLU and max pooling after it as one {@link
     * ConvBlock} (one kernels call, the ReLU's backward done by the pooling): the block must
     * compute what the layers do apart.
     */
    @ParameterizedTest(name = "relu={1}, then {0}")
    @CsvSource({
        "nothing,true",
        "maxpool(2),true",
        "'maxpool(3,1)',true",
        "avgpool(2),true",
        "maxpool(2),false",
        "'maxpool(3,1)',false"
    })
    void fusedConvolutionReluAndPoolingMatchTheLayersApart(String after, boolean relu) {
        Layer[] fused = convReluAfterTanh(after, relu);
        Layer[] apart = convReluAfterTanh(after, relu);
        Sequential model = new Sequential(new int[] {2, 7, 6}, LayerFusion.fuse(List.of(fused)));
        assertInstanceOf(ConvBlock.class, model.layers().get(1), "the convolution must run fused");
        Tensor x = randn(25, 3, 2, 7, 6);
        int[] perSample = model.outputShape();
        int[] outShape = new int[perSample.length + 1];
        outShape[0] = 3;
        System.arraycopy(perSample, 0, outShape, 1, perSample.length);
        Tensor dy = randn(26, outShape);
        Tensor h = x;
        for (Layer l : apart) {
            h = l.forward(h, true);
        }
        float[] out = model.forward(x, true).data().clone();
        assertArrayEquals(h.data(), out, "forward");
        Tensor g = dy;
        for (int i = apart.length - 1; i >= 0; i--) {
            g = apart[i].backward(g);
        }
        Tensor dx = model.backward(dy);
        assertArrayEquals(g.data(), dx.data(), 1e-6f, "input gradient");
        Conv2d a = (Conv2d) apart[1];
        Conv2d f = (Conv2d) fused[1];
        assertArrayEquals(a.weight().gradData(), f.weight().gradData(), 1e-6f, "dw");
        assertArrayEquals(a.bias().gradData(), f.bias().gradData(), 1e-6f, "db");
    }

    /**
     * tanh (so the convolution is not the first layer and computes its input gradient), conv, relu
     * (when asked) and the layer {@code after} from its token ("nothing" for none).
     */
    private Layer[] convReluAfterTanh(String after, boolean relu) {
        Conv2d conv = new Conv2d(kernels, 2, 4, 3, 3, 1, 1);
        conv.initialize(Initializer.HE_NORMAL, new SplittableRandom(27));
        float[] b = conv.bias().data();
        for (int i = 0; i < b.length; i++) {
            b[i] = 0.2f * (i - 1.5f); // some filters mostly negative, so the mask matters
        }
        List<Layer> layers = new java.util.ArrayList<>(List.of(new Activation.Tanh(), conv));
        if (relu) {
            layers.add(new Activation.ReLU());
        }
        if (!after.equals("nothing")) {
            layers.add(ModelSpec.parse(after)
                    .build(new int[] {4, 7, 6}, kernels, 0)
                    .layers()
                    .get(0));
        }
        return layers.toArray(new Layer[0]);
    }

    private static void randomizeAffine(Param gamma, Param beta) {
        SplittableRandom rng = new SplittableRandom(17);
        for (int i = 0; i < gamma.size(); i++) {
            gamma.data()[i] = (float) rng.nextDouble(0.5, 1.5);
            beta.data()[i] = (float) rng.nextDouble(-0.5, 0.5);
        }
    }

    /** A model wrapped so the checker compares parameter gradients and a zero input gradient. */
    private record ParamsOnly(Sequential model) implements Layer {
        @Override
        public Tensor forward(Tensor x, boolean training) {
            return model.forward(x, training);
        }

        @Override
        public Tensor backward(Tensor gradOut) {
            model.backward(gradOut);
            return null;
        }

        @Override
        public int[] outputShape(int[] inputShape) {
            return model.outputShape(inputShape);
        }

        @Override
        public java.util.List<Param> params() {
            return model.params();
        }

        @Override
        public String describe() {
            return model.describe();
        }
    }
}
