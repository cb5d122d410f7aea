package org.sparkdl.core.loss;

/**
 * Row-wise L2 normalisation as PyTorch's {@code F.normalize}: {@code u_i = x_i / max(‖x_i‖, ε)}
 * with ε = 1e-8, and its backward. Shared by the self-supervised losses.
 */
final class UnitRows {
    static final double EPS = 1e-8;

    private UnitRows() {}

    /**
     * Writes u (rows×d) and each row's raw norm ‖x_i‖ (accumulated in double) into {@code norms}.
     */
    static void normalize(float[] x, int rows, int d, float[] u, double[] norms) {
        for (int i = 0; i < rows; i++) {
            int base = i * d;
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += (double) x[base + j] * x[base + j];
            }
            double norm = Math.sqrt(sq);
            norms[i] = norm;
            double inv = 1.0 / Math.max(norm, EPS);
            for (int j = 0; j < d; j++) {
                u[base + j] = (float) (x[base + j] * inv);
            }
        }
    }

    /**
     * dx from du (both rows×d; may not alias): {@code dx_i = (du_i − u_i (u_i·du_i)) / ‖x_i‖} when
     * ‖x_i‖ > ε, else {@code du_i / ε} (the norm is then the constant ε).
     */
    static void backward(float[] u, float[] du, int rows, int d, double[] norms, float[] dx) {
        for (int i = 0; i < rows; i++) {
            int base = i * d;
            if (norms[i] > EPS) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += (double) u[base + j] * du[base + j];
                }
                float proj = (float) dot;
                float inv = (float) (1.0 / norms[i]);
                for (int j = 0; j < d; j++) {
                    dx[base + j] = (du[base + j] - u[base + j] * proj) * inv;
                }
            } else {
                for (int j = 0; j < d; j++) {
                    dx[base + j] = (float) (du[base + j] / EPS);
                }
            }
        }
    }
}
