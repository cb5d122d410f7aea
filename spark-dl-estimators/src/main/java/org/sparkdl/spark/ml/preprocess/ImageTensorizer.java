package org.sparkdl.spark.ml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.spark.ml.param.Validators;
import org.sparkdl.spark.ml.util.StageReader;
import org.sparkdl.spark.ml.util.Uids;

/**
 * Turns the struct of Spark's {@code image} data source ({@code origin, height, width, nChannels,
 * mode, data}, pixels stored BGR(A) interleaved, row by row) into a features vector laid out C×H×W
 * with values in [0, 1]: the channel order is explicit ({@code RGB}, {@code BGR} or {@code GRAY}),
 * alpha is dropped, and images can be resized (bilinear) so that every row has the same shape.
 */
public final class ImageTensorizer extends Transformer implements ColumnParams<ImageTensorizer>, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    public static final List<String> ORDERS = List.of("rgb", "bgr", "gray");

    private String uid;
    private final Param<String> inputCol = ColumnParams.inputCol(this, "image");
    private final Param<String> outputCol = ColumnParams.outputCol(this, "features");
    private final Param<String> channelOrder = new Param<>(
            this,
            "channelOrder",
            "channels of the output: RGB, BGR (3 channels) or GRAY (1, luma)",
            Validators.oneOf(ORDERS));
    private final IntParam height =
            new IntParam(this, "height", "output height; 0 keeps each image's own", Validators.intAtLeast(0));
    private final IntParam width =
            new IntParam(this, "width", "output width; 0 keeps each image's own", Validators.intAtLeast(0));

    public ImageTensorizer() {
        this(Uids.stash(Identifiable.randomUID("imageTensorizer")));
    }

    public ImageTensorizer(String uid) {
        this(Uids.stash(uid));
    }

    private ImageTensorizer(Uids.Pending p) {
        super();
        uid();
        setDefault(channelOrder, "rgb");
        setDefault(height, 0);
        setDefault(width, 0);
    }

    @Override
    public String uid() {
        if (uid == null) {
            uid = Uids.take("imageTensorizer");
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

    public Param<String> channelOrder() {
        return channelOrder;
    }

    public IntParam height() {
        return height;
    }

    public IntParam width() {
        return width;
    }

    public ImageTensorizer setChannelOrder(String v) {
        set(channelOrder, v.toLowerCase(Locale.ROOT));
        return this;
    }

    /** Resizes every image to {@code h}×{@code w} (bilinear). */
    public ImageTensorizer setSize(int h, int w) {
        set(height, h);
        set(width, w);
        return this;
    }

    /** Output channels for the chosen order. */
    public int outputChannels() {
        return $(channelOrder).equals("gray") ? 1 : 3;
    }

    @Override
    public StructType transformSchema(StructType schema) {
        if (((Integer) $(height) == 0) != ((Integer) $(width) == 0)) {
            throw new IllegalArgumentException("set both height and width (to resize) or neither");
        }
        String in = getInputCol();
        if (java.util.Arrays.asList(schema.fieldNames()).contains(in)
                && schema.apply(in).dataType() instanceof StructType s) {
            for (String f : new String[] {"height", "width", "nChannels", "data"}) {
                if (!java.util.Arrays.asList(s.fieldNames()).contains(f)) {
                    throw new IllegalArgumentException("inputCol '" + in + "' is not an image struct: it has no field '"
                            + f + "' (read images with spark.read.format(\"image\"))");
                }
            }
            return addVectorOutput(schema, s.simpleString());
        }
        return addVectorOutput(schema, "struct<origin:string,height:int,width:int,nChannels:int,mode:int,data:binary>");
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        String order = $(channelOrder);
        int outH = (Integer) $(height);
        int outW = (Integer) $(width);
        String column = getInputCol();
        UDF1<Row, Vector> f = image -> tensorize(image, order, outH, outW, column);
        return dataset.withColumn(
                getOutputCol(), udf(f, SQLDataTypes.VectorType()).apply(col(column)));
    }

    static Vector tensorize(Row image, String order, int outH, int outW, String column) {
        if (image == null) {
            throw new IllegalArgumentException("column '" + column + "' holds a null image");
        }
        String origin = image.getAs("origin");
        int h = image.getAs("height");
        int w = image.getAs("width");
        int n = image.getAs("nChannels");
        byte[] data = image.getAs("data");
        if (h <= 0 || w <= 0 || (n != 1 && n != 3 && n != 4) || data == null || data.length != h * w * n) {
            throw new IllegalArgumentException("column '" + column + "' has an invalid image " + origin + " (" + h + "x"
                    + w + "x" + n + ", " + (data == null ? 0 : data.length) + " bytes)");
        }
        int channels = order.equals("gray") ? 1 : 3;
        int oh = outH == 0 ? h : outH;
        int ow = outW == 0 ? w : outW;
        double[] out = new double[channels * oh * ow];
        for (int y = 0; y < oh; y++) {
            // Bilinear sampling at pixel centres (align_corners = false).
            double sy = Math.max(0, (y + 0.5) * h / oh - 0.5);
            int y0 = Math.min((int) sy, h - 1);
            int y1 = Math.min(y0 + 1, h - 1);
            double fy = sy - y0;
            for (int x = 0; x < ow; x++) {
                double sx = Math.max(0, (x + 0.5) * w / ow - 0.5);
                int x0 = Math.min((int) sx, w - 1);
                int x1 = Math.min(x0 + 1, w - 1);
                double fx = sx - x0;
                double[] bgr = new double[3];
                for (int c = 0; c < 3; c++) {
                    int src = n == 1 ? 0 : c; // grey sources give the same value to B, G and R
                    double v00 = data[(y0 * w + x0) * n + src] & 0xff;
                    double v01 = data[(y0 * w + x1) * n + src] & 0xff;
                    double v10 = data[(y1 * w + x0) * n + src] & 0xff;
                    double v11 = data[(y1 * w + x1) * n + src] & 0xff;
                    bgr[c] = ((v00 * (1 - fx) + v01 * fx) * (1 - fy) + (v10 * (1 - fx) + v11 * fx) * fy) / 255.0;
                }
                int p = y * ow + x;
                int plane = oh * ow;
                switch (order) {
                    case "gray" -> out[p] = 0.299 * bgr[2] + 0.587 * bgr[1] + 0.114 * bgr[0];
                    case "bgr" -> {
                        out[p] = bgr[0];
                        out[plane + p] = bgr[1];
                        out[2 * plane + p] = bgr[2];
                    }
                    default -> {
                        out[p] = bgr[2];
                        out[plane + p] = bgr[1];
                        out[2 * plane + p] = bgr[0];
                    }
                }
            }
        }
        return Vectors.dense(out);
    }

    @Override
    public ImageTensorizer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<ImageTensorizer> read() {
        return new StageReader<>(
                ImageTensorizer::new, List.of(ImageTensorizer.class.getName(), "org.sparkdl.spark.ml.ImageTensorizer"));
    }

    public static ImageTensorizer load(String path) {
        return read().load(path);
    }
}
