package org.sparkdl.spark.ml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.core.augment.Augmenter;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.spark.ml.param.HasAugmentation;
import org.sparkdl.spark.ml.param.ParamGroups;
import org.sparkdl.spark.ml.util.Features;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * Adds one randomly augmented view (SimCLR-style: random resized crop, flip, colour jitter,
 * grayscale, blur, noise, rotation; see {@link HasAugmentation}) of each C×H×W image vector, of the
 * same shape. A row's view is seeded by the stage's seed and a hash of the row's values, so the
 * output depends neither on partitioning nor on row order, and a rerun gives it bit for bit (equal
 * images get equal views); change the seed for another view, e.g. per epoch. It is a SQL function
 * of the column: batch and streaming DataFrames alike, no job runs until an action.
 */
public final class ImageAugmenter extends Transformer
        implements HasAugmentation<ImageAugmenter>, ColumnParams<ImageAugmenter>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    static final String PREFIX = "imageAugmenter";

    // No initialiser: Spark's constructors call uid() before this class's fields are set.
    private String uid;
    private final ParamGroups groups = new ParamGroups(this);
    private final Param<String> inputCol = ColumnParams.inputCol(this, "features");
    private final Param<String> outputCol = ColumnParams.outputCol(this, "augmented");
    private final Param<String> inputShape =
            ColumnParams.shape(this, "per-row shape C,H,W (channel first) of the input vectors");
    private final LongParam seed =
            new LongParam(this, "seed", "random seed of the views, mixed with a hash of each row's values");

    public ImageAugmenter() {
        this(Uids.stash(Identifiable.randomUID(PREFIX)));
    }

    public ImageAugmenter(String uid) {
        this(Uids.stash(uid));
    }

    private ImageAugmenter(Uids.Pending p) {
        super();
        uid();
        setDefault(seed, 42L);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take(PREFIX);
        }
        return uid;
    }

    @Override
    public ParamGroups paramGroups() {
        return groups;
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

    public LongParam seed() {
        return seed;
    }

    public String getInputShape() {
        return $(inputShape);
    }

    public long getSeed() {
        return (Long) $(seed);
    }

    /** Sets the per-row shape C,H,W; a shape that does not parse fails here. */
    public ImageAugmenter setInputShape(String v) {
        chw(v);
        set(inputShape, v);
        return this;
    }

    public ImageAugmenter setSeed(long v) {
        set(seed, v);
        return this;
    }

    private static int[] chw(String shape) {
        int[] s = Shapes.parse(shape);
        if (s.length != 3) {
            throw new IllegalArgumentException("inputShape must be C,H,W (3 dimensions), got '" + shape + "'");
        }
        return s;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (!isDefined(inputShape)) {
            throw new IllegalArgumentException("param inputShape is not set; give the per-row shape, e.g. 3,32,32");
        }
        chw(getInputShape());
        augmentation(); // the params fit together
        return addVectorOutput(schema, "vector");
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        View view = new View(augmentation(), chw(getInputShape()), getSeed(), getInputCol(), getInputShape());
        return dataset.withColumn(
                getOutputCol(), udf(view, SQLDataTypes.VectorType()).apply(col(getInputCol())));
    }

    /** The SQL function: one view of one row, with one augmenter per thread. */
    private static final class View implements UDF1<Vector, Vector> {
        private static final long serialVersionUID = 1L;
        private final Augmentation augmentation;
        private final int[] shape;
        private final long seed;
        private final String column;
        private final String shapeText;
        private transient ThreadLocal<Augmenter> augmenters;

        View(Augmentation augmentation, int[] shape, long seed, String column, String shapeText) {
            this.augmentation = augmentation;
            this.shape = shape;
            this.seed = seed;
            this.column = column;
            this.shapeText = shapeText;
        }

        private synchronized Augmenter augmenter() {
            if (augmenters == null) {
                augmenters = ThreadLocal.withInitial(
                        () -> new Augmenter(augmentation, shape[0], shape[1], shape[2], shape[1], shape[2]));
            }
            return augmenters.get();
        }

        @Override
        public Vector call(Vector v) {
            int per = Shapes.size(shape);
            if (v != null && v.size() != per) {
                throw new IllegalArgumentException("column '" + column + "' has a vector of size " + v.size()
                        + ", but inputShape " + shapeText + " needs " + per + " values");
            }
            float[] x = Features.toFloats(v, per, column, "a row");
            long h = 0xcbf29ce484222325L;
            for (float f : x) {
                h = (h ^ Float.floatToIntBits(f + 0f)) * 0x100000001b3L;
            }
            Augmenter a = augmenter();
            float[] out = new float[per];
            a.apply(x, 0, out, 0, new SplittableRandom(Augmenter.seed(seed, h, per)));
            double[] d = new double[per];
            for (int i = 0; i < per; i++) {
                d[i] = out[i];
            }
            return Vectors.dense(d);
        }
    }

    @Override
    public ImageAugmenter copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ImageAugmenter> read() {
        return new StageReader<>(ImageAugmenter::new, List.of(ImageAugmenter.class.getName()));
    }

    public static ImageAugmenter load(String path) {
        return read().load(path);
    }
}
