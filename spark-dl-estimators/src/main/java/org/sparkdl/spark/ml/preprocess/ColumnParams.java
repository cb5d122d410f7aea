package org.sparkdl.spark.ml.preprocess;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.tensor.Shapes;
import org.sparkdl.spark.ml.param.Validators;

/**
 * The input/output column and image-shape params of the preprocessing stages, declared once, with
 * their setters and the schema checks they share.
 *
 * @param <T> the stage itself, so that setters chain with its own type
 */
public interface ColumnParams<T extends ColumnParams<T>> extends Params {
    Param<String> inputCol();

    Param<String> outputCol();

    default String getInputCol() {
        return $(inputCol());
    }

    default String getOutputCol() {
        return $(outputCol());
    }

    @SuppressWarnings("unchecked")
    default T setInputCol(String value) {
        set(inputCol(), value);
        return (T) this;
    }

    @SuppressWarnings("unchecked")
    default T setOutputCol(String value) {
        set(outputCol(), value);
        return (T) this;
    }

    static Param<String> inputCol(Params p, String dflt) {
        Param<String> param = new Param<>(
                p, "inputCol", "input column name", (Validators.Check<String>) v -> v != null && !v.isEmpty());
        p.setDefault(param, dflt);
        return param;
    }

    static Param<String> outputCol(Params p, String dflt) {
        Param<String> param = new Param<>(
                p, "outputCol", "output column name", (Validators.Check<String>) v -> v != null && !v.isEmpty());
        p.setDefault(param, dflt);
        return param;
    }

    static Param<String> shape(Params p, String doc) {
        return new Param<>(p, "inputShape", doc, (Validators.Check<String>) v -> {
            try {
                return Shapes.parse(v).length >= 1;
            } catch (IllegalArgumentException e) {
                return false;
            }
        });
    }

    /** Checks that the input column exists with {@code type} and the output column does not; adds it. */
    default StructType addVectorOutput(StructType schema, String expectedType) {
        String in = getInputCol();
        String out = getOutputCol();
        if (!Arrays.asList(schema.fieldNames()).contains(in)) {
            throw new IllegalArgumentException(
                    "inputCol '" + in + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
        }
        String actual = schema.apply(in).dataType().simpleString();
        if (!actual.equals(expectedType)
                && !(expectedType.equals("vector")
                        && schema.apply(in).dataType().equals(SQLDataTypes.VectorType()))) {
            throw new IllegalArgumentException(
                    "inputCol '" + in + "' must be of type " + expectedType + ", got " + actual);
        }
        if (Arrays.asList(schema.fieldNames()).contains(out)) {
            throw new IllegalArgumentException("outputCol '" + out + "' already exists");
        }
        return schema.add(
                new StructField(out, SQLDataTypes.VectorType(), false, org.apache.spark.sql.types.Metadata.empty()));
    }
}
