package org.sparkdl.core.ssl;

import org.sparkdl.core.tensor.Tensor;

/**
 * What the embeddings of a batch say about a representation, without training anything on them:
 * their spread (a collapsed representation maps every image to nearly the same direction) and a
 * k-nearest-neighbour accuracy among the rows that carry labels.
 */
public final class EmbeddingFigures {
    /** Temperature of the similarity-weighted k-NN vote (Wu et al., 2018). */
    static final double VOTE_TEMPERATURE = 0.07;

    private EmbeddingFigures() {}

    /**
     * The mean over dimensions of the standard deviation across rows of the L2-normalised rows of
     * {@code h} [N, D]. Near 0: every row points the same way (collapse); about 1/√D for directions
     * spread evenly over the sphere.
     */
    public static double normalizedStd(Tensor h) {
        int n = h.dim(0);
        int d = h.sampleSize();
        if (n < 2) {
            return 0;
        }
        float[] u = normalizedRows(h);
        double total = 0;
        for (int j = 0; j < d; j++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double v = u[i * d + j];
                sum += v;
                sq += v * v;
            }
            double mean = sum / n;
            total += Math.sqrt(Math.max(0, sq / n - mean * mean));
        }
        return total / d;
    }

    /**
     * Leave-one-out k-NN on {@code h} [N, D]: each row with a label (≥ 0 in {@code labels}) is
     * classified by the similarity-weighted vote of its {@code k} most cosine-similar other labelled
     * rows. Returns how many were classified right.
     */
    public static int knnCorrect(Tensor h, float[] labels, int k) {
        int n = h.dim(0);
        int d = h.sampleSize();
        float[] u = normalizedRows(h);
        int classes = 0;
        for (float l : labels) {
            classes = Math.max(classes, (int) l + 1);
        }
        double[] votes = new double[Math.max(classes, 1)];
        float[] bestSim = new float[k];
        int[] bestRow = new int[k];
        int correct = 0;
        for (int i = 0; i < n; i++) {
            if (labels[i] < 0) {
                continue;
            }
            int found = 0;
            for (int j = 0; j < n; j++) {
                if (j == i || labels[j] < 0) {
                    continue;
                }
                float s = 0;
                for (int c = 0; c < d; c++) {
                    s += u[i * d + c] * u[j * d + c];
                }
                // insertion into the k best so far, kept in descending order
                if (found < k || s > bestSim[found - 1]) {
                    int p = found < k ? found++ : k - 1;
                    while (p > 0 && bestSim[p - 1] < s) {
                        bestSim[p] = bestSim[p - 1];
                        bestRow[p] = bestRow[p - 1];
                        p--;
                    }
                    bestSim[p] = s;
                    bestRow[p] = j;
                }
            }
            if (found == 0) {
                continue;
            }
            java.util.Arrays.fill(votes, 0);
            for (int m = 0; m < found; m++) {
                votes[(int) labels[bestRow[m]]] += Math.exp(bestSim[m] / VOTE_TEMPERATURE);
            }
            int predicted = 0;
            for (int c = 1; c < votes.length; c++) {
                if (votes[c] > votes[predicted]) {
                    predicted = c;
                }
            }
            correct += predicted == (int) labels[i] ? 1 : 0;
        }
        return correct;
    }

    private static float[] normalizedRows(Tensor h) {
        int n = h.dim(0);
        int d = h.sampleSize();
        float[] x = h.data();
        float[] u = new float[n * d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += (double) x[i * d + j] * x[i * d + j];
            }
            float inv = (float) (1 / Math.max(Math.sqrt(sq), 1e-8));
            for (int j = 0; j < d; j++) {
                u[i * d + j] = x[i * d + j] * inv;
            }
        }
        return u;
    }
}
