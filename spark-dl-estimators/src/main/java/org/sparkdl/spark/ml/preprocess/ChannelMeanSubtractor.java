package org.sparkdl.spark.ml.preprocess;

import java.util.List;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.spark.SparkErrors;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * Learns the mean of each channel (and optionally its standard deviation) of image vectors laid
 * out C×H×W; its model subtracts the means (and divides by the deviations). Per-channel, not
 * per-pixel: the usual preprocessing of CNN inputs.
 */
public final class ChannelMeanSubtractor extends Estimator<ChannelMeanSubtractorModel>
        implements ColumnParams<ChannelMeanSubtractor>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private final Param<String> inputCol = ColumnParams.inputCol(this, "features");
    private final Param<String> outputCol = ColumnParams.outputCol(this, "centered");
    private final Param<String> inputShape =
            ColumnParams.shape(this, "per-row shape C,H,W (or C,N: channel first) of the input vectors");
    private final BooleanParam withStd =
            new BooleanParam(this, "withStd", "also divide each channel by its standard deviation");

    public ChannelMeanSubtractor() {
        this(Uids.stash(Identifiable.randomUID("channelMeanSubtractor")));
    }

    public ChannelMeanSubtractor(String uid) {
        this(Uids.stash(uid));
    }

    private ChannelMeanSubtractor(Uids.Pending p) {
        super();
        uid();
        setDefault(withStd, false);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("channelMeanSubtractor");
        }
        return uid;
    }

    @Override
    public Param<String> inputCol() {
        return inputCol;
    }

    @Override
    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> inputShape() {
        return inputShape;
    }

    public BooleanParam withStd() {
        return withStd;
    }

    public String getInputShape() {
        return $(inputShape);
    }

    public boolean getWithStd() {
        return (Boolean) $(withStd);
    }

    public ChannelMeanSubtractor setInputShape(String v) {
        Shapes.parse(v);
        set(inputShape, v);
        return this;
    }

    public ChannelMeanSubtractor setWithStd(boolean v) {
        set(withStd, v);
        return this;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(inputShape)) {
            throw new IllegalArgumentException("param inputShape is not set; give the per-row shape, e.g. 3,32,32");
        }
        return addVectorOutput(schema, "vector");
    }

    @Override
    public ChannelMeanSubtractorModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        int[] shape = Shapes.parse(getInputShape());
        int channels = shape[0];
        int per = Shapes.size(shape);
        int plane = per / channels;
        String col = getInputCol();
        // Per channel: count, sum, sum of squares (double, so that millions of pixels lose nothing).
        double[] zero = new double[1 + 2 * channels];
        double[] acc = SparkErrors.unwrap(() -> dataset.select(col)
                .javaRDD()
                .treeAggregate(
                        zero,
                        (a, row) -> {
                            Vector v = (Vector) row.get(0);
                            float[] x = Features.toFloats(v, per, col, (long) a[0]);
                            for (int c = 0; c < channels; c++) {
                                double s = 0;
                                double sq = 0;
                                for (int i = c * plane; i < (c + 1) * plane; i++) {
                                    s += x[i];
                                    sq += (double) x[i] * x[i];
                                }
                                a[1 + c] += s;
                                a[1 + channels + c] += sq;
                            }
                            a[0] += 1;
                            return a;
                        },
                        (a, b) -> {
                            for (int i = 0; i < a.length; i++) {
                                a[i] += b[i];
                            }
                            return a;
                        },
                        2));
        if (acc[0] == 0) {
            throw new IllegalArgumentException("cannot learn channel means: column '" + col + "' has no rows");
        }
        double n = acc[0] * plane;
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double mu = acc[1 + c] / n;
            double var = Math.max(0, acc[1 + channels + c] / n - mu * mu);
            // Rounded to float once here, so that the saved model (float weights table) is exact.
            mean[c] = (float) mu;
            std[c] = getWithStd() ? (float) Math.max(Math.sqrt(var), 1e-8) : 1.0;
        }
        ChannelMeanSubtractorModel m = new ChannelMeanSubtractorModel(uid(), mean, std);
        return copyValues(m, ParamMap.empty()).setParent(this);
    }

    @Override
    public ChannelMeanSubtractor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ChannelMeanSubtractor> read() {
        return new StageReader<>(
                ChannelMeanSubtractor::new,
                List.of(ChannelMeanSubtractor.class.getName(), "org.sparkdl.spark.ml.ChannelMeanSubtractor"));
    }

    public static ChannelMeanSubtractor load(String path) {
        return read().load(path);
    }
}
