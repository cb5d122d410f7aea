package org.sparkdl.spark.ml.rnn;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The recurrent stages' schema checks, on the driver before any job, and their output columns. */
final class RNNSchemas {
    private RNNSchemas() {}

    static void checkTraining(RNNParams<?> p, StructType schema) {
        require(schema, p.getFeaturesCol(), "featuresCol");
        if (!p.isLanguageModel()) {
            require(schema, p.getLabelCol(), "labelCol");
        } else if (!(schema.apply(p.getFeaturesCol()).dataType().equals(DataTypes.StringType))) {
            throw new IllegalArgumentException("featuresCol '" + p.getFeaturesCol() + "' must hold text (string) for"
                    + " task language-model, got "
                    + schema.apply(p.getFeaturesCol()).dataType().simpleString());
        }
        String v = p.validationColumn();
        if (!v.isEmpty()) {
            require(schema, v, "validationIndicatorCol");
            if (!(schema.apply(v).dataType() instanceof BooleanType)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + v + "' must be boolean, got "
                        + schema.apply(v).dataType().simpleString());
            }
        }
    }

    static void require(StructType schema, String column, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(
                    param + " '" + column + "' does not exist; columns are " + Arrays.toString(schema.fieldNames()));
        }
    }

    /** The columns a model adds: the classifier's three, or the generated text when a prompt column is set. */
    static StructType output(RNNParams<?> p, StructType schema) {
        StructType out = schema;
        if (p.isLanguageModel()) {
            if (!p.getPromptCol().isEmpty()) {
                out = add(out, p.getGeneratedCol(), DataTypes.StringType);
            }
            return out;
        }
        out = add(out, p.getRawPredictionCol(), SQLDataTypes.VectorType());
        out = add(out, p.getProbabilityCol(), SQLDataTypes.VectorType());
        return add(out, p.getPredictionCol(), DataTypes.DoubleType);
    }

    private static StructType add(StructType schema, String column, org.apache.spark.sql.types.DataType type) {
        if (column.isEmpty()) {
            return schema;
        }
        if (Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("output column '" + column + "' already exists");
        }
        return schema.add(column, type, true);
    }
}
