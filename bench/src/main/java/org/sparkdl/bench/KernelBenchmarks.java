package org.sparkdl.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.sparkdl.core.kernels.ConvGeometry;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.loss.SoftmaxCrossEntropy;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.optim.OptimizerConfig;
import org.sparkdl.core.schedule.LearningRateSchedule;
import org.sparkdl.core.tensor.Tensor;
import org.sparkdl.core.train.Trainer;

/**
 * JMH benchmarks of the CPU kernels: sgemm 1024³, CNN-S's two convolutions forward + backward at
 * batch 64, and a whole CNN-S training step. {@code threads} is both OpenBLAS's thread count and
 * the kernels' loop threads. {@link KernelReport} turns the times into GFLOP/s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx4g"})
@State(Scope.Thread)
public class KernelBenchmarks {
    @Param({"1", "2"})
    public int threads;

    @Param({"64"})
    public int batch;

    private CpuKernels kernels;
    private float[] a;
    private float[] b;
    private float[] c;

    private ConvGeometry g1;
    private ConvGeometry g2;
    private float[][] conv1;
    private float[][] conv2;

    private Trainer trainer;
    private Tensor x;
    private Tensor y;

    @Setup(Level.Trial)
    public void setup() {
        kernels = new CpuKernels(threads);
        a = random(1024 * 1024, 1);
        b = random(1024 * 1024, 2);
        c = new float[1024 * 1024];
        g1 = CnnS.conv1(batch);
        g2 = CnnS.conv2(batch);
        conv1 = buffers(g1);
        conv2 = buffers(g2);
        Sequential model = CnnS.build(kernels, 1);
        trainer = new Trainer(
                model,
                new SoftmaxCrossEntropy(),
                OptimizerConfig.of("adam", 1e-3).create(model.params()).runOn(kernels),
                LearningRateSchedule.constant(1e-3),
                0);
        x = Tensor.of(random(batch * 784, 3), batch, 784);
        float[] labels = new float[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = i % 10;
        }
        y = Tensor.of(labels, batch);
    }

    /** x, w, bias, y, columns, dy, dw, dbias, dx */
    private float[][] buffers(ConvGeometry g) {
        return new float[][] {
            random(g.inputSize(), 4),
            random(g.weightSize(), 5),
            new float[g.outChannels()],
            new float[g.outputSize()],
            new float[(int) kernels.convScratchSize(g)],
            random(g.outputSize(), 6),
            new float[g.weightSize()],
            new float[g.outChannels()],
            new float[g.inputSize()]
        };
    }

    static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextDouble(-1, 1);
        }
        return f;
    }

    @Benchmark
    public float[] gemm1024() {
        kernels.sgemm(false, false, 1024, 1024, 1024, 1f, a, 0, b, 0, 0f, c, 0);
        return c;
    }

    /**
     * conv1 forward (with CNN-S's ReLU fused) and weight gradient (a model's first layer needs no
     * input gradient).
     */
    @Benchmark
    public void conv1ForwardBackward(Blackhole bh) {
        float[][] t = conv1;
        kernels.convForward(g1, t[0], t[1], t[2], true, t[3], t[4]);
        kernels.convBackward(g1, t[0], t[1], t[3], t[5], t[6], t[7], null, t[4]);
        bh.consume(t[6]);
    }

    /** conv2 forward (ReLU fused), weight gradient and input gradient. */
    @Benchmark
    public void conv2ForwardBackward(Blackhole bh) {
        float[][] t = conv2;
        kernels.convForward(g2, t[0], t[1], t[2], true, t[3], t[4]);
        kernels.convBackward(g2, t[0], t[1], t[3], t[5], t[6], t[7], t[8], t[4]);
        bh.consume(t[8]);
    }

    /** One CNN-S training step (forward, loss, backward, Adam) on a batch. */
    @Benchmark
    public float cnnSTrainStep() {
        return trainer.step(x, y);
    }
}
