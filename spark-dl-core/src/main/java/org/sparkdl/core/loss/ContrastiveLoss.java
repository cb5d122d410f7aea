package org.sparkdl.core.loss;

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
    private float[] dots; // [2N, 2N] u_i·u_k, then (G + Gᵀ)/τ
    private double[] logits; // [2N, 2N] s_ik, then G_ik

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
            dots = new float[m * m];
        }
        UnitRows.normalize(z.data(), m, d, u, norms);
        double invTau = 1.0 / temperature;
        RowProducts.products(u, m, u, m, d, dots, 0, m);
        for (int i = 0; i < m; i++) {
            for (int k = i; k < m; k++) { // symmetric: one value for both, whatever BLAS rounded
                double s = dots[i * m + k] * invTau;
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
            double positive = logits[row + p];
            double sum = 0;
            for (int k = 0; k < m; k++) { // each exp once: e_k now, g_k = e_k / sum below
                double e = k != i && !(decoupled && k == p) ? Math.exp(logits[row + k] - max) : 0.0;
                logits[row + k] = e;
                sum += e;
            }
            total += Math.log(sum) + max - positive;
            // logits row i becomes G_i = (softmax over the denominator set − onehot(p)) / 2N
            for (int k = 0; k < m; k++) {
                double g = logits[row + k] / sum;
                logits[row + k] = (k == p ? g - 1.0 : g) / m;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < m; k++) {
                dots[i * m + k] = (float) ((logits[i * m + k] + logits[k * m + i]) * invTau);
            }
        }
        RowProducts.weightedRows(dots, 0, m, m, u, m, d, du, false);
        UnitRows.backward(u, du, m, d, norms, grad.data());
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
