package org.sparkdl.core.nn;

/** The complementary error function, to about 1.2e-7 relative error everywhere (Numerical Recipes' erfcc). */
final class Erf {
    private Erf() {}

    static double erfc(double z) {
        double a = Math.abs(z);
        double t = 1.0 / (1.0 + 0.5 * a);
        double r = t
                * Math.exp(
                        -a * a
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return z >= 0 ? r : 2.0 - r;
    }

    /** Φ(x), the standard normal CDF, accurate in relative terms in both tails. */
    static double normalCdf(double x) {
        return 0.5 * erfc(-x / Math.sqrt(2.0));
    }
}
