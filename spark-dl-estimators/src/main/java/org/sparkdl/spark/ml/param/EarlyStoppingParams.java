package org.sparkdl.spark.ml.param;

import java.io.Serializable;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params of validation during training and early stopping, each declared once with its doc, validator and default. One
 * instance per stage.
 */
public final class EarlyStoppingParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> validationIndicatorCol;
    final IntParam earlyStoppingPatience;

    EarlyStoppingParams(Params p) {
        validationIndicatorCol = new Param<>(
                p,
                "validationIndicatorCol",
                "name of a boolean column marking rows held out for per-epoch validation (not trained on)");
        earlyStoppingPatience = new IntParam(
                p,
                "earlyStoppingPatience",
                "epochs without a better validation metric before the fit stops and keeps the best epoch's weights; 0 = never stop early (needs validationIndicatorCol)",
                Validators.intAtLeast(0));

        p.setDefault(earlyStoppingPatience, 0);
    }
}
