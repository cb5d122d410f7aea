package org.sparkdl.core.loss;

import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.core.tensor.Tensor;

/**
 * DINO's cross-entropy between a centred, sharpened teacher and the student. The student sees V
 * views of N images, in blocks of N rows (the first G blocks the global views); the teacher saw the
 * G global views. With {@code P_t = softmax((teacher − center)/τ_t)} (no gradient) and
 * {@code log P_s = log_softmax(student/τ_s)}:
 *
 * <pre>
 *   L = mean over the G·(V−1) pairs (t &lt; G, s &lt; V, s ≠ t) of mean_n [ −Σ_k P_t[n,k] log P_s[n,k] ]
 *   dL/dstudent[s,n] = (c_s·softmax(student[s,n]/τ_s) − Σ_{t&lt;G, t≠s} P_t[n]) / (G·(V−1)·N·τ_s)
 * </pre>
 *
 * where c_s is the number of teacher views paired with s (G−1 for a global view, G otherwise).
 * The center follows the teacher with {@link #updateCenter}. Buffers are reused across calls: use
 * one instance per thread.
 *
 * <p>{@link #teacherEntropy} watches for DINO's own collapse, which the spread of the embeddings
 * does not show: when the centring wins over the sharpening, {@code P_t} becomes uniform
 * (entropy ln K) for every image and the loss stays near ln K, whatever the embeddings do.
 */
public final class DinoLoss {
    private final double studentTemperature;
    private double teacherTemperature;
    private Tensor grad; // [V·N, K]
    private float[] teacherProbs; // [G·N, K]
    private double teacherEntropy = Double.NaN;

    public DinoLoss(double studentTemperature, double teacherTemperature) {
        if (!(studentTemperature > 0) || Double.isInfinite(studentTemperature)) {
            throw new IllegalArgumentException(
                    "student temperature must be a positive number, got " + studentTemperature);
        }
        this.studentTemperature = studentTemperature;
        setTeacherTemperature(teacherTemperature);
    }

    /** The teacher's temperature for the next {@link #forward}s (it may follow a warm-up schedule). */
    public void setTeacherTemperature(double teacherTemperature) {
        if (!(teacherTemperature > 0) || Double.isInfinite(teacherTemperature)) {
            throw new IllegalArgumentException(
                    "teacher temperature must be a positive number, got " + teacherTemperature);
        }
        this.teacherTemperature = teacherTemperature;
    }

    /**
     * @param student [V·N, K] the student's outputs on V views in blocks of N rows, global views first
     * @param teacher [G·N, K] the teacher's outputs on the G global views
     * @param center [K] the running center of the teacher's outputs
     * @param globalViews G, at least 1 and at most V
     * @return the mean cross-entropy over the view pairs and rows
     */
    public float forward(Tensor student, Tensor teacher, float[] center, int globalViews) {
        if (globalViews < 1) {
            throw new IllegalArgumentException("DINO needs at least 1 global view, got " + globalViews);
        }
        if (teacher.rank() != 2 || teacher.dim(0) % globalViews != 0) {
            throw new IllegalArgumentException("DINO expects teacher outputs (" + globalViews + "·N) x K for "
                    + globalViews + " global views, got " + Shapes.describe(teacher.shape()));
        }
        int g = globalViews;
        int n = teacher.dim(0) / g;
        int k = teacher.dim(1);
        if (student.rank() != 2 || student.dim(1) != k || student.dim(0) % n != 0 || student.dim(0) / n < g) {
            throw new IllegalArgumentException("DINO expects student outputs (V·" + n + ") x " + k + " with V >= " + g
                    + " views of the " + n + " samples the teacher saw, got " + Shapes.describe(student.shape()));
        }
        int v = student.dim(0) / n;
        if (v < 2) {
            throw new IllegalArgumentException(
                    "DINO needs at least 2 views (a student view other than the teacher's), got " + v);
        }
        if (center.length != k) {
            throw new IllegalArgumentException("DINO center has " + center.length + " values; expected " + k);
        }
        if (grad == null || !grad.hasShape(v * n, k)) {
            grad = Tensor.zeros(v * n, k);
        }
        if (teacherProbs == null || teacherProbs.length != g * n * k) {
            teacherProbs = new float[g * n * k];
        }
        float[] t = teacher.data();
        float[] pt = teacherProbs;
        double invTt = 1.0 / teacherTemperature;
        double entropySum = 0;
        for (int r = 0; r < g * n; r++) {
            int base = r * k;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                max = Math.max(max, (t[base + j] - center[j]) * invTt);
            }
            double sum = 0;
            double weighted = 0; // Σ_j e_j·z_j, for the entropy without a log per element
            for (int j = 0; j < k; j++) {
                double z = (t[base + j] - center[j]) * invTt - max;
                double e = Math.exp(z);
                pt[base + j] = (float) e;
                sum += e;
                weighted += e * z;
            }
            // H = −Σ p_j log p_j with log p_j = z_j − log S: H = log S − Σ_j e_j·z_j / S
            entropySum += Math.log(sum) - weighted / sum;
            for (int j = 0; j < k; j++) {
                pt[base + j] = (float) (pt[base + j] / sum);
            }
        }
        teacherEntropy = entropySum / (g * n);
        float[] x = student.data();
        float[] dx = grad.data();
        int pairs = g * (v - 1);
        double invTs = 1.0 / studentTemperature;
        double scale = 1.0 / ((double) pairs * n);
        double total = 0;
        for (int s = 0; s < v; s++) {
            int partners = s < g ? g - 1 : g;
            for (int row = 0; row < n; row++) {
                int base = (s * n + row) * k;
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < k; j++) {
                    max = Math.max(max, x[base + j] * invTs);
                }
                double sum = 0;
                for (int j = 0; j < k; j++) {
                    sum += Math.exp(x[base + j] * invTs - max);
                }
                double lse = Math.log(sum) + max;
                for (int j = 0; j < k; j++) {
                    double w = 0; // Σ_{t<G, t≠s} P_t[row, j]
                    for (int tv = 0; tv < g; tv++) {
                        if (tv != s) {
                            w += pt[(tv * n + row) * k + j];
                        }
                    }
                    double logP = x[base + j] * invTs - lse;
                    total -= w * logP;
                    dx[base + j] = (float) ((partners * Math.exp(logP) - w) * scale * invTs);
                }
            }
        }
        return (float) (total * scale);
    }

    /**
     * The mean entropy, in nats, of the teacher's centred, sharpened distributions {@code P_t} in the
     * last {@link #forward}: ln K when they are uniform (collapse), falling as the teacher's targets
     * sharpen; NaN before the first call.
     */
    public double teacherEntropy() {
        return teacherEntropy;
    }

    /** dL/dstudent [V·N, K] for the last {@link #forward}; the array is reused by the next call. */
    public Tensor backward() {
        if (grad == null) {
            throw new IllegalStateException("backward() before forward()");
        }
        return grad;
    }

    /**
     * {@code center = m·center + (1−m)·mean over the rows of teacher} (teacher [R, K], center [K],
     * m in [0, 1]); the mean is accumulated in double.
     */
    public static void updateCenter(float[] center, Tensor teacher, double momentum) {
        if (!(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException("center momentum must be in [0, 1], got " + momentum);
        }
        if (teacher.rank() != 2 || teacher.dim(1) != center.length) {
            throw new IllegalArgumentException(
                    "DINO center of " + center.length + " values expects teacher outputs N x " + center.length
                            + ", got " + Shapes.describe(teacher.shape()));
        }
        int rows = teacher.dim(0);
        int k = center.length;
        float[] t = teacher.data();
        double[] sum = new double[k];
        for (int r = 0; r < rows; r++) {
            int base = r * k;
            for (int j = 0; j < k; j++) {
                sum[j] += t[base + j];
            }
        }
        for (int j = 0; j < k; j++) {
            center[j] = (float) (momentum * center[j] + (1 - momentum) * (sum[j] / rows));
        }
    }
}
