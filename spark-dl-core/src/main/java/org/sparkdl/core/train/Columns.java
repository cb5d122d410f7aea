package org.sparkdl.core.train;

/** The column names the tasks share, so that packing and tasks agree on them. */
public final class Columns {
    private Columns() {}

    /** Input samples (pixels, a feature vector), fixed width. */
    public static final String FEATURES = "features";

    /** One float per sample: a class index or a regression target. */
    public static final String LABEL = "label";
}
