package org.sparkdl.core.train;

/** How the partitions' values of one state slot combine after a round. */
public enum MergeRule {
    /** Sample-weighted average: weights, BatchNorm statistics, optimizer moments, a teacher network. */
    AVERAGE,
    /** Each partition's change added up: counters, sums that every partition contributes to. */
    SUM,
    /** Kept per partition, never combined: a MoCo queue of one partition's negatives. */
    LOCAL
}
