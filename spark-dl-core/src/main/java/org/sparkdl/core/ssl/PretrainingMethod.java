package org.sparkdl.core.ssl;

import java.util.Arrays;
import java.util.Locale;

/** The self-supervised methods, by the names a user writes. */
public enum PretrainingMethod {
    /** Two views per image, NT-Xent over the 2N views: every other view in the batch is a negative. */
    SIMCLR("simclr", true),
    /** As SimCLR, with the positive pair removed from the denominator (decoupled contrastive loss). */
    DCL("dcl", true),
    /** A query encoder by gradient, a key encoder as its moving average, a queue of past keys as negatives. */
    MOCO("moco", true),
    /** A student and its moving-average teacher over global and local crops; no negatives. */
    DINO("dino", false),
    /** Predict which of 4 rotations (0°, 90°, 180°, 270°) was applied. */
    ROTATION("rotation", false);

    private final String token;
    private final boolean contrastive;

    PretrainingMethod(String token, boolean contrastive) {
        this.token = token;
        this.contrastive = contrastive;
    }

    /** The name a user writes: simclr, dcl, moco, dino, rotation. */
    public String token() {
        return token;
    }

    /** Whether other samples of the batch are the negatives, so a batch needs at least two. */
    public boolean contrastive() {
        return contrastive;
    }

    public static PretrainingMethod parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (PretrainingMethod m : values()) {
            if (m.token.equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown pretraining method '" + name + "'; expected one of "
                + Arrays.stream(values()).map(PretrainingMethod::token).toList());
    }
}
