package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * The InfoNCE loss of MoCo v2. Queries q and keys k [N, D] are L2-normalised inside
 * ({@code x/max(‖x‖, 1e-8)}); each query i has its key k_i as the positive and as negatives the
 * filled entries of the {@link KeyQueue} <em>and the other keys of the batch</em> k_j, j≠i. The
 * batch negatives are always used (not only while the queue is empty, which would leave the first
 * steps without any negative); this is the rule the PyTorch reference follows. With
 * {@code C = [k_0 … k_{N−1}, queue_0 … queue_{S−1}]} (N+S rows):
 *
 * <pre>
 *   logits_i = q_i·Cᵀ / τ,   L = mean_i CE(logits_i, i) = mean_i [logsumexp(logits_i) − q_i·k_i/τ]
 *   dL/dq̂_i = (softmax(logits_i) − onehot(i))·C / (N τ), then back through the normalisation
 * </pre>
 *
 * Keys get no gradient. {@code forward} does not enqueue: the caller enqueues k after the step.
 * Buffers are reused across calls: use one instance per thread.
 */
public final class MocoLoss {
    private final double temperature;
    private Tensor grad; // [N, D]
    private float[] uq; // [N, D]
    private float[] uk; // [N, D]
    private float[] du; // [N, D]
    private double[] normsQ;
    private double[] normsK;
    private double[] logits; // one row of N+S
    private float[] dots; // [N, N+S] u_qi·key_j, then dL/d(u_qi·key_j)

    public MocoLoss(double temperature) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        this.temperature = temperature;
    }

    public double temperature() {
        return temperature;
    }

    /**
     * @param q [N, D] queries (the trained encoder's outputs)
     * @param k [N, D] keys (the momentum encoder's outputs on the other views)
     * @param queue past keys of dimension D; its filled entries are negatives
     * @return the mean InfoNCE loss over the N queries
     */
    public float forward(Tensor q, Tensor k, KeyQueue queue) {
        if (q.rank() != 2 || !k.hasShape(q.shape())) {
            throw new IllegalArgumentException("MoCo loss expects queries and keys both N x D, got queries "
                    + Shapes.describe(q.shape()) + " and keys " + Shapes.describe(k.shape()));
        }
        int n = q.dim(0);
        int d = q.dim(1);
        if (queue.dim() != d) {
            throw new IllegalArgumentException(
                    "MoCo loss: queries have dimension " + d + " but the queue holds keys of " + queue.dim());
        }
        int s = queue.size();
        if (n + s < 2) {
            throw new IllegalArgumentException("MoCo loss needs at least one negative: a batch of at least 2 samples"
                    + " or a non-empty queue, got " + n + " sample(s) and an empty queue");
        }
        if (grad == null || !grad.hasShape(n, d)) {
            grad = Tensor.zeros(n, d);
            uq = new float[n * d];
            uk = new float[n * d];
            du = new float[n * d];
            normsQ = new double[n];
            normsK = new double[n];
        }
        int c = n + s;
        if (logits == null || logits.length < c) {
            logits = new double[n + queue.capacity()];
        }
        if (dots == null || dots.length < n * c) {
            dots = new float[n * (n + queue.capacity())];
        }
        UnitRows.normalize(q.data(), n, d, uq, normsQ);
        UnitRows.normalize(k.data(), n, d, uk, normsK);
        float[] qk = queue.keys();
        double invTau = 1.0 / temperature;
        // Row i of dots: the query's products with the batch's keys, then with the queue's.
        RowProducts.products(uq, n, uk, n, d, dots, 0, c);
        if (s > 0) {
            RowProducts.products(uq, n, qk, s, d, dots, n, c);
        }
        double total = 0;
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                double v = dots[i * c + j] * invTau;
                logits[j] = v;
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int j = 0; j < c; j++) {
                sum += Math.exp(logits[j] - max);
            }
            double lse = Math.log(sum) + max;
            total += lse - logits[i];
            for (int j = 0; j < c; j++) {
                double g = Math.exp(logits[j] - lse) - (j == i ? 1.0 : 0.0);
                dots[i * c + j] = (float) (g * invTau / n);
            }
        }
        RowProducts.weightedRows(dots, 0, c, n, uk, n, d, du, false);
        if (s > 0) {
            RowProducts.weightedRows(dots, n, c, n, qk, s, d, du, true);
        }
        UnitRows.backward(uq, du, n, d, normsQ, grad.data());
        return (float) (total / n);
    }

    /** dL/dq [N, D] for the last {@link #forward}; the array is reused by the next call. */
    public Tensor backward() {
        if (grad == null) {
            throw new IllegalStateException("backward() before forward()");
        }
        return grad;
    }
}
