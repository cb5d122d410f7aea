package org.sparkdl.spark.ml.cnn;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.spark.ml.param.Validators;

/**
 * The CNN family's own params (the network, its input shape, loss and initialiser), declared once
 * with their docs, validators and defaults; the training params come from the shared groups of
 * {@link org.sparkdl.spark.ml.param.HasTrainingParams}. One instance per stage.
 */
public final class CNNParamSet implements Serializable {
    private static final long serialVersionUID = 3L;

    public static final List<String> LOSSES = List.of("cross_entropy", "hinge");

    final Param<String> spec;
    final Param<String> inputShape;
    final Param<String> loss;
    final Param<String> initializer;
    final Param<String> initialEncoder;
    final BooleanParam freezeEncoder;

    CNNParamSet(Params p) {
        spec = new Param<>(
                p,
                "spec",
                "the network as a spec string, e.g. '" + ModelSpec.CNN_S
                        + "'; its last layer's size is the number of classes",
                Validators.spec("spec"));
        inputShape = new Param<>(
                p,
                "inputShape",
                "per-sample shape of the features vector, e.g. '1,28,28' (C,H,W)"
                        + " for images; empty means a flat vector of the features' length",
                Validators.shape("inputShape"));
        loss = new Param<>(p, "loss", "loss: one of " + LOSSES, Validators.oneOf(LOSSES));
        initializer = new Param<>(
                p,
                "initializer",
                "weight initialiser: " + org.sparkdl.core.init.Initializer.CHOICES,
                Validators.initializer("initializer"));
        initialEncoder = new Param<>(
                p,
                "initialEncoder",
                "path of a saved pretrained encoder (a ContrastivePretrainerModel) to start from: the network is"
                        + " the encoder's layers, with their trained weights, then this stage's spec on top (e.g."
                        + " 'relu dense(10)'); empty: the spec alone, initialised from the seed");
        freezeEncoder = new BooleanParam(
                p,
                "freezeEncoder",
                "with initialEncoder: keep the encoder's parameters as pretrained and train only the layers on top"
                        + " (false: fine-tune everything)");
        p.setDefault(spec, ModelSpec.CNN_S);
        p.setDefault(initialEncoder, "");
        p.setDefault(freezeEncoder, false);
        p.setDefault(inputShape, "");
        p.setDefault(loss, "cross_entropy");
        p.setDefault(initializer, "he_normal");
    }
}
