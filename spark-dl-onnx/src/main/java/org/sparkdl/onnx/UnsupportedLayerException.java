package org.sparkdl.onnx;

/** A layer the ONNX export has no form for; the message names it and lists what the export supports. */
public final class UnsupportedLayerException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String layer;

    UnsupportedLayerException(int index, String layer, Class<?> type, Iterable<String> supported) {
        super("cannot export layer " + index + " '" + layer + "' (" + type.getName() + ") to ONNX: the export"
                + " supports " + String.join(", ", supported));
        this.layer = layer;
    }

    /** The layer's spec token ({@code describe()}). */
    public String layer() {
        return layer;
    }
}
