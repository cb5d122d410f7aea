package org.sparkdl.spark.ml.ssl;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.tensor.Shapes;

/** The pretraining stages' schema checks, each failing early with the column, param and what was expected. */
final class PretrainerSchemas {
    private PretrainerSchemas() {}

    /** The features column holds image Vectors and inputShape is C,H,W. */
    static void checkImages(PretrainerParams<?> p, StructType schema) {
        DataType t = column(schema, p.getFeaturesCol(), "featuresCol");
        if (!t.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("featuresCol '" + p.getFeaturesCol() + "' must hold images as Vectors"
                    + " of C·H·W values (e.g. from ImageTensorizer), but is " + t.simpleString());
        }
        int[] shape = Shapes.parse(p.getInputShape());
        if (shape.length != 3) {
            throw new IllegalArgumentException("inputShape '" + p.getInputShape() + "' must be C,H,W for images");
        }
    }

    static void checkNumeric(StructType schema, String name, String param) {
        DataType t = column(schema, name, param);
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException(
                    param + " '" + name + "' must be numeric (a class index), got " + t.simpleString());
        }
    }

    static void checkBoolean(StructType schema, String name) {
        DataType t = column(schema, name, "validationIndicatorCol");
        if (!(t instanceof BooleanType)) {
            throw new IllegalArgumentException(
                    "validationIndicatorCol '" + name + "' must be boolean, got " + t.simpleString());
        }
    }

    /** {@code schema} with the embedding column added; fails when it exists. */
    static StructType withEmbedding(PretrainerParams<?> p, StructType schema) {
        checkImages(p, schema);
        if (Arrays.asList(schema.fieldNames()).contains(p.getEmbeddingCol())) {
            throw new IllegalArgumentException(
                    "embeddingCol '" + p.getEmbeddingCol() + "' already exists in the input");
        }
        return schema.add(p.getEmbeddingCol(), SQLDataTypes.VectorType(), false);
    }

    private static DataType column(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException(
                    param + " '" + name + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(name).dataType();
    }
}
