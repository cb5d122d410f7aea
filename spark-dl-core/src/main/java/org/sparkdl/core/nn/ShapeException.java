package org.sparkdl.core.nn;

/** An input whose shape does not fit a layer or model; the message says what was expected. */
public class ShapeException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ShapeException(String message) {
        super(message);
    }
}
