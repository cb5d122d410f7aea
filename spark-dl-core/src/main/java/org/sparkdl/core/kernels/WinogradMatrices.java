package org.sparkdl.core.kernels;

/**
 * The three matrices of Winograd's minimal filtering algorithm F(m, r): m outputs of an r-tap
 * correlation from a tile of α = m + r − 1 inputs with α multiplications instead of m·r,
 * {@code y = Aᵀ[(G·g) ⊙ (Bᵀ·d)]}; in two dimensions {@code Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A}.
 *
 * <p>Built by the Toom-Cook construction from α − 1 finite interpolation points and the point at
 * infinity (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): the
 * correlation is the transpose of the polynomial product {@code s = g·h}, which evaluates both
 * factors at the points ({@code G}, and {@code A} for h), multiplies, and interpolates ({@code B},
 * whose row j holds the coefficients of ∏_{l≠j}(x − p_l), the infinite point's row those of
 * ∏_l(x − p_l); the Lagrange denominators are folded into G). Computed in double, stored as float.
 */
public record WinogradMatrices(int m, int r, float[][] at, float[][] g, float[][] bt) {

    /** The points with the smallest coefficients, as many as α − 1 needs (0, ±1, ±2, ±1/2, ±3, ±1/3). */
    private static final double[] POINTS = {0, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1.0 / 3, -1.0 / 3};

    public int alpha() {
        return m + r - 1;
    }

    /** F(m, r) on the points {@code 0, ±1, ±2, ±1/2, …}, as many as it takes. */
    public static WinogradMatrices of(int m, int r) {
        int alpha = m + r - 1;
        if (m < 1 || r < 1 || alpha - 1 > POINTS.length) {
            throw new IllegalArgumentException("no Winograd transform F(" + m + "," + r
                    + ") here: needs 1 ≤ m, r and m + r ≤ " + (POINTS.length + 2));
        }
        double[] p = java.util.Arrays.copyOf(POINTS, alpha - 1);
        double[][] at = new double[m][alpha];
        double[][] g = new double[alpha][r];
        double[][] bt = new double[alpha][alpha];
        for (int j = 0; j < alpha - 1; j++) {
            double f = 1;
            double[] numerator = {1};
            for (int l = 0; l < alpha - 1; l++) {
                if (l != j) {
                    f *= p[j] - p[l];
                    numerator = timesLinear(numerator, p[l]);
                }
            }
            for (int i = 0; i < m; i++) {
                at[i][j] = Math.pow(p[j], i);
            }
            for (int k = 0; k < r; k++) {
                g[j][k] = Math.pow(p[j], k) / f;
            }
            System.arraycopy(numerator, 0, bt[j], 0, numerator.length);
        }
        // the point at infinity: the leading coefficients
        at[m - 1][alpha - 1] = 1;
        g[alpha - 1][r - 1] = 1;
        double[] all = {1};
        for (double q : p) {
            all = timesLinear(all, q);
        }
        System.arraycopy(all, 0, bt[alpha - 1], 0, all.length);
        return new WinogradMatrices(m, r, toFloat(at), toFloat(g), toFloat(bt));
    }

    /** Coefficients (lowest degree first) of {@code poly(x)·(x − root)}. */
    private static double[] timesLinear(double[] poly, double root) {
        double[] out = new double[poly.length + 1];
        for (int i = 0; i < poly.length; i++) {
            out[i] -= root * poly[i];
            out[i + 1] += poly[i];
        }
        return out;
    }

    private static float[][] toFloat(double[][] a) {
        float[][] out = new float[a.length][];
        for (int i = 0; i < a.length; i++) {
            out[i] = new float[a[i].length];
            for (int j = 0; j < a[i].length; j++) {
                out[i][j] = (float) a[i][j];
            }
        }
        return out;
    }

    /** The transpose of a matrix given as rows. */
    static float[][] transpose(float[][] a) {
        float[][] t = new float[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                t[j][i] = a[i][j];
            }
        }
        return t;
    }
}
