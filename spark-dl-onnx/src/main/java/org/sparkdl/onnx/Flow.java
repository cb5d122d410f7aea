package org.sparkdl.onnx;

/**
 * A tensor of the graph between two layers: its name, and its per-sample shape (without the batch
 * axis) as the core layers see it.
 */
record Flow(String name, int[] shape) {
    /** Whether it is still a sequence batch N×T×K (a per-sample shape T×K). */
    boolean isSequence() {
        return shape.length == 2;
    }
}
