package org.sparkdl.core.task;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;
import org.sparkdl.core.nn.Param;
import org.sparkdl.core.nn.Sequential;

/**
 * The first layers of a network taken from a trained one (a pretrained encoder): their state by
 * name ({@code <spec index>.<name>}, as {@link Sequential#stateLayout()} names it), and whether
 * they are frozen (their parameters not updated). A network whose spec starts with the same layers
 * gets these tensors in place of its initial weights.
 *
 * @param layers how many spec layers the tensors cover (the encoder's length)
 */
public record PretrainedLayers(Map<String, float[]> tensors, int layers, boolean frozen) implements Serializable {
    private static final long serialVersionUID = 1L;

    public PretrainedLayers {
        tensors = new TreeMap<>(tensors);
    }

    /** Loads the tensors into {@code model}, checking that each one exists there with its size. */
    public void loadInto(Sequential model) {
        float[] state = model.state();
        int found = 0;
        for (Sequential.StateEntry e : model.stateLayout()) {
            float[] t = tensors.get(e.name());
            if (t == null) {
                continue;
            }
            if (t.length != e.size()) {
                throw new IllegalArgumentException("the pretrained tensor '" + e.name() + "' has " + t.length
                        + " values but the network's has " + e.size() + ": the spec's first " + layers
                        + " layers must be the pretrained encoder's");
            }
            System.arraycopy(t, 0, state, e.offset(), t.length);
            found++;
        }
        if (found != tensors.size()) {
            throw new IllegalArgumentException("the network has only " + found + " of the pretrained encoder's "
                    + tensors.size() + " tensors: its spec must start with the encoder's layers");
        }
        model.loadState(state);
    }

    /** The parameters an optimizer updates: all, or those after the frozen layers. */
    public List<Param> trainable(Sequential model) {
        if (!frozen) {
            return model.params();
        }
        List<Param> out = new ArrayList<>();
        List<Sequential.StateEntry> names = model.stateLayout();
        List<Param> params = model.params();
        for (int i = 0; i < params.size(); i++) { // parameters come first in the layout, in the same order
            String name = names.get(i).name();
            if (Integer.parseInt(name.substring(0, name.indexOf('.'))) >= layers) {
                out.add(params.get(i));
            }
        }
        return out;
    }

    /** A short digest of the tensors, for replica and checkpoint keys. */
    public String fingerprint() {
        CRC32 crc = new CRC32();
        for (Map.Entry<String, float[]> e : tensors.entrySet()) {
            crc.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            crc.update(Arrays.hashCode(e.getValue()));
        }
        return Long.toHexString(crc.getValue()) + (frozen ? "-frozen" : "") + "-" + layers;
    }
}
