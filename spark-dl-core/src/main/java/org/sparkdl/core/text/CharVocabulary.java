package org.sparkdl.core.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Characters (Unicode code points) ↔ token ids for character models. Id {@value #UNKNOWN} is
 * reserved for characters the vocabulary does not hold, so that any text can be encoded; the
 * known characters take ids 1..n in code-point order, which makes a learned vocabulary the same
 * whatever order its counts were merged in.
 */
public final class CharVocabulary implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The id of every character outside the vocabulary. */
    public static final int UNKNOWN = 0;

    /** How an unknown id decodes. */
    public static final int REPLACEMENT = 0xFFFD;

    private final int[] codePoints;
    private transient Map<Integer, Integer> ids;

    private CharVocabulary(int[] codePoints) {
        this.codePoints = codePoints;
    }

    /** The vocabulary of the given characters (distinct, any order), plus {@link #UNKNOWN}. */
    public static CharVocabulary of(int[] codePoints) {
        int[] sorted = Arrays.stream(codePoints).sorted().toArray();
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i] == sorted[i - 1]) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(sorted[i]) + " appears twice");
            }
        }
        return new CharVocabulary(sorted);
    }

    /** Adds {@code text}'s code points to {@code counts}. */
    public static void count(String text, Map<Integer, Long> counts) {
        text.codePoints().forEach(c -> counts.merge(c, 1L, Long::sum));
    }

    /**
     * The at most {@code maxSize - 1} most frequent characters seen at least {@code minCount} times
     * (ties broken by code point), plus {@link #UNKNOWN}.
     */
    public static CharVocabulary fromCounts(Map<Integer, Long> counts, int maxSize, long minCount) {
        if (maxSize < 2) {
            throw new IllegalArgumentException(
                    "a vocabulary needs room for the unknown token and one character, got " + maxSize);
        }
        List<Map.Entry<Integer, Long>> kept = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : counts.entrySet()) {
            if (e.getValue() >= minCount) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> !a.getValue().equals(b.getValue())
                ? Long.compare(b.getValue(), a.getValue())
                : Integer.compare(a.getKey(), b.getKey()));
        int n = Math.min(kept.size(), maxSize - 1);
        if (n == 0) {
            throw new IllegalArgumentException(
                    "no character occurs at least " + minCount + " times: the text is empty");
        }
        int[] cps = new int[n];
        for (int i = 0; i < n; i++) {
            cps[i] = kept.get(i).getKey();
        }
        return of(cps);
    }

    /** Ids, {@link #UNKNOWN} included. */
    public int size() {
        return codePoints.length + 1;
    }

    /** The known characters, in id order (id i+1 for index i). */
    public int[] codePoints() {
        return codePoints.clone();
    }

    public int id(int codePoint) {
        if (ids == null) {
            Map<Integer, Integer> m = new HashMap<>();
            for (int i = 0; i < codePoints.length; i++) {
                m.put(codePoints[i], i + 1);
            }
            ids = m;
        }
        return ids.getOrDefault(codePoint, UNKNOWN);
    }

    public int[] encode(String text) {
        return text.codePoints().map(this::id).toArray();
    }

    /** The character of {@code id}; {@link #UNKNOWN} decodes to U+FFFD. */
    public int codePoint(int id) {
        if (id < 0 || id >= size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + size() + ")");
        }
        return id == UNKNOWN ? REPLACEMENT : codePoints[id - 1];
    }

    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int id : ids) {
            sb.appendCodePoint(codePoint(id));
        }
        return sb.toString();
    }
}
