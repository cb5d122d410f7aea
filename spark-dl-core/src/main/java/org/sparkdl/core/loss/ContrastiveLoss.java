package org.sparkdl.core.loss;

import java.util.Arrays;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * The contrastive loss of SimCLR (NT-Xent) and its decoupled form (DCL, Yeh et al. 2022) on a
 * batch of 2N embeddings, rows i and i+N being two views of sample i. With {@code u = z/max(‖z‖, ε)}
 * (ε = 1e-8, as {@code F.normalize}), {@code s_ik = u_i·u_k/τ} and p the partner of anchor i:
 *
 * <pre>
 *   NT-Xent: L = mean_i [ −s_ip + log Σ_{k≠i} exp(s_ik) ]
 *   DCL:     L = mean_i [ −s_ip + log Σ_{k≠i, k≠p} exp(s_ik) ]   (the positive leaves the denominator)
 * </pre>
 *
 * The mean is over all 2N anchors. {@code dL/ds = G} (per anchor row: softmax over its denominator
 * set, minus 1 at the partner, over 2N); as s is symmetric, {@code dL/du = (G + Gᵀ)·u/τ}, then back
 * through the normalisation. Buffers are reused across calls: use one instance per thread.
 */
public final class ContrastiveLoss {
    private final double temperature;
    private final boolean decoupled;
    private Tensor grad; // [2N, D]
    private float[] u; // [2N, D] unit rows
    private float[] du; // [2N, D]
    private double[] norms; // [2N]
    private double[] logits; // [2N, 2N] s_ik, then G_ik
    private float[] sym; // [2N] one row of G + Gᵀ

    public ContrastiveLoss(double temperature, boolean decoupled) {
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be a positive number, got " + temperature);
        }
        this.temperature = temperature;
        this.decoupled = decoupled;
    }

    public double temperature() {
        return temperature;
    }

    public boolean decoupled() {
        return decoupled;
    }

    /**
     * @param z [2N, D] embeddings (projection-head outputs), rows i and i+N the two views of sample i
     * @return the mean loss over the 2N anchors
     */
    public float forward(Tensor z) {
        if (z.rank() != 2 || z.dim(0) % 2 != 0) {
            throw new IllegalArgumentException("contrastive loss expects 2N x D embeddings (rows i and i+N are two"
                    + " views of sample i), got " + Shapes.describe(z.shape()));
        }
        int m = z.dim(0);
        int d = z.dim(1);
        if (m < 4) {
            throw new IllegalArgumentException("a contrastive loss needs at least 2 samples per batch (2N >= 4 rows,"
                    + " two views each), got " + Shapes.describe(z.shape()));
        }
        int n = m / 2;
        if (grad == null || !grad.hasShape(m, d)) {
            grad = Tensor.zeros(m, d);
            u = new float[m * d];
            du = new float[m * d];
            norms = new double[m];
            logits = new double[m * m];
            sym = new float[m];
        }
        UnitRows.normalize(z.data(), m, d, u, norms);
        double invTau = 1.0 / temperature;
        for (int i = 0; i < m; i++) {
            for (int k = i; k < m; k++) {
                double s = UnitRows.dot(u, i * d, u, k * d, d) * invTau;
                logits[i * m + k] = s;
                logits[k * m + i] = s;
            }
        }
        double total = 0;
        for (int i = 0; i < m; i++) {
            int row = i * m;
            int p = (i + n) % m;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < m; k++) {
                if (k != i && !(decoupled && k == p)) {
                    max = Math.max(max, logits[row + k]);
                }
            }
            double sum = 0;
            for (int k = 0; k < m; k++) {
                if (k != i && !(decoupled && k == p)) {
                    sum += Math.exp(logits[row + k] - max);
                }
            }
            double lse = Math.log(sum) + max;
            total += lse - logits[row + p];
            // logits row i becomes G_i = (softmax over the denominator set − onehot(p)) / 2N
            for (int k = 0; k < m; k++) {
                double g = (k != i && !(decoupled && k == p)) ? Math.exp(logits[row + k] - lse) : 0.0;
                logits[row + k] = (k == p ? g - 1.0 : g) / m;
            }
        }
        float[] dz = grad.data();
        Arrays.fill(du, 0f);
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < m; k++) {
                sym[k] = (float) ((logits[i * m + k] + logits[k * m + i]) * invTau);
            }
            int bi = i * d;
            for (int k = 0; k < m; k++) {
                float a = sym[k];
                if (a == 0f) {
                    continue;
                }
                int bk = k * d;
                for (int j = 0; j < d; j++) {
                    du[bi + j] += a * u[bk + j];
                }
            }
        }
        UnitRows.backward(u, du, m, d, norms, dz);
        return (float) (total / m);
    }

    /** dL/dz [2N, D] for the last {@link #forward}; the array is reused by the next call. */
    public Tensor backward() {
        if (grad == null) {
            throw new IllegalStateException("backward() before forward()");
        }
        return grad;
    }
}
