package org.sparkdl.core.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.nn.Sequential;

class ModelSpecTest {
    private final CpuKernels kernels = new CpuKernels();

    @Test
    void cnnSInfersShapesAndCountsParameters() {
        Sequential m = ModelSpec.parse(ModelSpec.CNN_S).build(new int[] {1, 28, 28}, kernels, 1);
        assertArrayEquals(new int[] {10}, m.outputShape());
        // conv1 32·25+32, conv2 64·800+64, dense 3136·256+256, dense 256·10+10
        long expected = (32 * 25 + 32) + (64 * 800 + 64) + (3136 * 256 + 256) + (256 * 10 + 10);
        assertEquals(expected, m.parameterCount());
        String summary = m.summary();
        assertTrue(
                summary.contains("conv(64,5,pad=2)") && summary.contains("64x7x7") && summary.contains("" + expected),
                summary);
        assertEquals(ModelSpec.CNN_S, m.describe());
    }

    @Test
    void argumentsMayBeNamedAndSpaced() {
        Sequential m = ModelSpec.parse("CONV( 8 , 3, stride = 2, pad=1 )  bn relu avgpool(2, stride=1) flatten"
                        + " dense(units=4) dropout layernorm leakyrelu(slope=0.2) elu gelu")
                .build(new int[] {3, 9, 9}, kernels, 1);
        assertEquals(
                "conv(8,3,stride=2,pad=1) batchnorm relu avgpool(2,stride=1) flatten dense(4) dropout(0.5)"
                        + " layernorm leakyrelu(0.2) elu(1.0) gelu",
                m.describe());
        assertArrayEquals(new int[] {4}, m.outputShape());
    }

    @Test
    void sameSeedSameWeights() {
        float[] a = ModelSpec.parse("dense(5) relu dense(2)")
                .build(new int[] {3}, kernels, 9)
                .state();
        float[] b = ModelSpec.parse("dense(5) relu dense(2)")
                .build(new int[] {3}, kernels, 9)
                .state();
        float[] c = ModelSpec.parse("dense(5) relu dense(2)")
                .build(new int[] {3}, kernels, 10)
                .state();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "conv(32,5) relu dense(10) | token 3 'dense(10)': needs a flat input but gets 32x24x24; put 'flatten'",
                "conv(32,x) | token 1 'conv(32,x)': kernel must be a positive integer, got 'x'",
                "conv(32) | token 1 'conv(32)': missing kernel",
                "dense(10) relux | token 2 'relux': unknown layer 'relux'",
                "dense(10,3) | token 1 'dense(10,3)': takes at most 1 arguments",
                "conv(8,3,padding=1) | token 1 'conv(8,3,padding=1)': unknown argument 'padding'",
                "dropout(1.5) | token 1 'dropout(1.5)': p must be in [0.0, 1.0), got 1.5",
                "dense(10 | token 1 'dense(10': missing ')'",
                "flatten conv(3,3) | token 2 'conv(3,3)': needs a C x H x W input but gets 784",
                "maxpool(40) | token 1 'maxpool(40)' does not fit input 1x28x28",
                "conv(4,3,pad=-1) | pad must be a non-negative integer, got '-1'",
                "flatten dense(0) | token 2 'dense(0)': units must be a positive integer, got '0'",
                "conv(4,5) l2norm | token 2 'l2norm': needs a flat input but gets 4x24x24",
                "flatten prototypes(0) | token 2 'prototypes(0)': units must be a positive integer, got '0'",
                ", relu | token 1 at character 1: expected a layer name, got ','",
            })
    void badSpecsNameTheTokenAndTheReason(String spec, String message) {
        SpecException e =
                assertThrows(SpecException.class, () -> ModelSpec.parse(spec).build(new int[] {1, 28, 28}, kernels, 0));
        assertTrue(e.getMessage().contains(message.trim()), e.getMessage());
    }

    @Test
    void emptySpec() {
        assertThrows(SpecException.class, () -> ModelSpec.parse("  "));
    }
}
