package org.sparkdl.spark.ml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.ModelState;
import org.sparkdl.spark.ml.util.Uids;
import org.sparkdl.spark.persist.StatePersistence;
import org.sparkdl.spark.persist.TensorTable;

/** Subtracts learned per-channel means (and divides by deviations) from C×H×W image vectors. */
public final class ChannelMeanSubtractorModel extends Model<ChannelMeanSubtractorModel>
        implements ColumnParams<ChannelMeanSubtractorModel>, MLWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private final Param<String> inputCol = ColumnParams.inputCol(this, "features");
    private final Param<String> outputCol = ColumnParams.outputCol(this, "centered");
    private final Param<String> inputShape = ColumnParams.shape(this, "per-row shape C,H,W of the input vectors");
    private final BooleanParam withStd = new BooleanParam(this, "withStd", "also divide by the deviations");
    private double[] mean;
    private double[] std;

    /** An empty model, for Spark Connect's service discovery; it transforms nothing until loaded. */
    public ChannelMeanSubtractorModel() {
        this(Identifiable.randomUID("channelMeanSubtractorModel"), null, null);
    }

    public ChannelMeanSubtractorModel(String uid, double[] mean, double[] std) {
        this(Uids.stash(uid), mean, std);
    }

    private ChannelMeanSubtractorModel(Uids.Pending p, double[] mean, double[] std) {
        super();
        uid();
        setDefault(withStd, false);
        this.mean = mean == null ? null : mean.clone();
        this.std = std == null ? null : std.clone();
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("channelMeanSubtractorModel");
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

    /** Per-channel means. */
    public double[] mean() {
        return mean.clone();
    }

    /** Per-channel deviations (ones without {@code withStd}). */
    public double[] std() {
        return std.clone();
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return addVectorOutput(schema, "vector");
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        ModelState.require(mean, this);
        transformSchema(dataset.schema());
        int[] shape = Shapes.parse($(inputShape));
        int per = Shapes.size(shape);
        int plane = per / shape[0];
        double[] m = mean;
        double[] s = std;
        String column = getInputCol();
        UDF1<Vector, Vector> f = v -> {
            float[] x = Features.toFloats(v, per, column, -1);
            double[] out = new double[per];
            for (int i = 0; i < per; i++) {
                int c = i / plane;
                out[i] = (x[i] - m[c]) / s[c];
            }
            return Vectors.dense(out);
        };
        return dataset.withColumn(
                getOutputCol(), udf(f, SQLDataTypes.VectorType()).apply(col(column)));
    }

    @Override
    public ChannelMeanSubtractorModel copy(ParamMap extra) {
        return copyValues(new ChannelMeanSubtractorModel(uid(), mean, std), extra)
                .setParent(parent());
    }

    @Override
    public MLWriter write() {
        ModelState.require(mean, this);
        return new StatePersistence.Writer(this, () -> List.of(entry("mean", mean), entry("std", std)));
    }

    private static TensorTable.Entry entry(String name, double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return new TensorTable.Entry(name, new int[] {v.length}, f);
    }

    public static MLReader<ChannelMeanSubtractorModel> read() {
        return new MLReader<>() {
            @Override
            public ChannelMeanSubtractorModel load(String path) {
                StatePersistence.Saved saved = StatePersistence.read(
                        sparkSession(),
                        path,
                        "ChannelMeanSubtractorModel",
                        List.of(
                                ChannelMeanSubtractorModel.class.getName(),
                                "org.sparkdl.spark.ml.ChannelMeanSubtractorModel"));
                Map<String, TensorTable.Entry> t = saved.tensors();
                ChannelMeanSubtractorModel m =
                        new ChannelMeanSubtractorModel(saved.uid(), values(t, "mean", path), values(t, "std", path));
                StatePersistence.setParams(m, saved.metadata());
                return m;
            }
        };
    }

    private static double[] values(Map<String, TensorTable.Entry> t, String name, String path) {
        TensorTable.Entry e = t.get(name);
        if (e == null) {
            throw new IllegalArgumentException(
                    path + " has no '" + name + "' tensor: not a ChannelMeanSubtractorModel");
        }
        double[] d = new double[e.values().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = e.values()[i];
        }
        return d;
    }

    public static ChannelMeanSubtractorModel load(String path) {
        return read().load(path);
    }
}
