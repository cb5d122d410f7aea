package org.sparkdl.core.kernels;

/**
 * Weighted sums of whole planes, each in one loop whose loads and stores share their index, so that
 * Java 17's C2 vectorises it: one loop per number of terms, since a loop over a variable number of
 * planes would not vectorise. The sums are formed left to right, term by term.
 */
final class PlaneSums {
    private PlaneSums() {}

    static void sum1(float[] d, float c0, float[] s0, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] = c0 * s0[e];
        }
    }

    static void sum2(float[] d, float c0, float[] s0, float c1, float[] s1, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] = c0 * s0[e] + c1 * s1[e];
        }
    }

    static void sum3(float[] d, float c0, float[] s0, float c1, float[] s1, float c2, float[] s2, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] = c0 * s0[e] + c1 * s1[e] + c2 * s2[e];
        }
    }

    static void sum4(
            float[] d,
            float c0,
            float[] s0,
            float c1,
            float[] s1,
            float c2,
            float[] s2,
            float c3,
            float[] s3,
            int from,
            int to) {
        for (int e = from; e < to; e++) {
            d[e] = c0 * s0[e] + c1 * s1[e] + c2 * s2[e] + c3 * s3[e];
        }
    }

    static void add1(float[] d, float c0, float[] s0, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] += c0 * s0[e];
        }
    }

    static void add2(float[] d, float c0, float[] s0, float c1, float[] s1, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] += c0 * s0[e] + c1 * s1[e];
        }
    }

    static void add3(float[] d, float c0, float[] s0, float c1, float[] s1, float c2, float[] s2, int from, int to) {
        for (int e = from; e < to; e++) {
            d[e] += c0 * s0[e] + c1 * s1[e] + c2 * s2[e];
        }
    }

    static void add4(
            float[] d,
            float c0,
            float[] s0,
            float c1,
            float[] s1,
            float c2,
            float[] s2,
            float c3,
            float[] s3,
            int from,
            int to) {
        for (int e = from; e < to; e++) {
            d[e] += c0 * s0[e] + c1 * s1[e] + c2 * s2[e] + c3 * s3[e];
        }
    }

    static void addAndSubtract1(float[] plus, float[] minus, float b0, float[] o0, int from, int to) {
        for (int e = from; e < to; e++) {
            float x = plus[e];
            float y = b0 * o0[e];
            plus[e] = x + y;
            minus[e] = x - y;
        }
    }

    static void addAndSubtract2(
            float[] plus, float[] minus, float b0, float[] o0, float b1, float[] o1, int from, int to) {
        for (int e = from; e < to; e++) {
            float x = plus[e];
            float y = b0 * o0[e] + b1 * o1[e];
            plus[e] = x + y;
            minus[e] = x - y;
        }
    }

    static void addAndSubtract3(
            float[] plus,
            float[] minus,
            float b0,
            float[] o0,
            float b1,
            float[] o1,
            float b2,
            float[] o2,
            int from,
            int to) {
        for (int e = from; e < to; e++) {
            float x = plus[e];
            float y = b0 * o0[e] + b1 * o1[e] + b2 * o2[e];
            plus[e] = x + y;
            minus[e] = x - y;
        }
    }
}
