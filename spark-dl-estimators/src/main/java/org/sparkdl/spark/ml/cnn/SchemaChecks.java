package org.sparkdl.spark.ml.cnn;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.kernels.CpuKernels;
import org.sparkdl.core.spec.ModelSpec;
import org.sparkdl.core.spec.SpecException;
import org.sparkdl.core.tensor.Shapes;
import scala.Option;

/** Checks a CNN stage runs on the driver before any job: columns, spec against input shape, classes. */
public final class SchemaChecks {
    private static final Map<String, Integer> OUTPUT_SIZES = new ConcurrentHashMap<>();

    private SchemaChecks() {}

    /** The spec's output size for a per-sample input shape (cached: building draws the weights). */
    public static int outputSize(String spec, int[] inputShape) {
        return OUTPUT_SIZES.computeIfAbsent(
                spec + "|" + Arrays.toString(inputShape),
                k -> Shapes.size(ModelSpec.parse(spec)
                        .build(inputShape, new CpuKernels(), 0)
                        .outputShape()));
    }

    /** The per-sample input shape: the param, or the features vector's size from column metadata. */
    public static int[] inputShape(CNNParams<?> p, StructType schema, String featuresCol) {
        String s = p.getInputShape();
        if (!s.isBlank()) {
            return Shapes.parse(s);
        }
        AttributeGroup g = AttributeGroup.fromStructField(schema.apply(featuresCol));
        return g.size() > 0 ? new int[] {g.size()} : null;
    }

    /** Validation column, spec against input shape, label classes against the spec's outputs. */
    static void trainingColumns(CNNClassifier c, StructType schema) {
        if (c.isDefined(c.validationIndicatorCol())
                && !c.getValidationIndicatorCol().isEmpty()) {
            String v = c.getValidationIndicatorCol();
            if (!Arrays.asList(schema.fieldNames()).contains(v)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + v + "' does not exist; columns are "
                        + Arrays.toString(schema.fieldNames()));
            }
            if (!(schema.apply(v).dataType() instanceof BooleanType)) {
                throw new IllegalArgumentException("validationIndicatorCol '" + v + "' must be boolean, got "
                        + schema.apply(v).dataType().simpleString());
            }
        }
        int[] shape = inputShape(c, schema, c.getFeaturesCol());
        if (shape != null && c.getInitialEncoder().isEmpty()) { // else the fit checks the whole network
            int classes = specOutputs(c.getSpec(), shape);
            int labelClasses = labelClasses(schema.apply(c.getLabelCol()));
            if (labelClasses > classes) {
                throw new IllegalArgumentException("label column '" + c.getLabelCol() + "' has " + labelClasses
                        + " classes but spec's last layer has " + classes + " outputs; end the spec with dense("
                        + labelClasses + ")");
            }
        }
    }

    /** The spec's output size, with a spec error that also names the params involved. */
    public static int specOutputs(String spec, int[] shape) {
        try {
            int classes = outputSize(spec, shape);
            if (classes < 2) {
                throw new SpecException("param spec '" + spec + "' outputs " + classes
                        + " value; a classifier needs one output per class (at least 2)");
            }
            return classes;
        } catch (SpecException e) {
            throw new SpecException(
                    "param spec does not fit inputShape " + Shapes.describe(shape) + ": " + e.getMessage(), e);
        }
    }

    /** Classes the label column's metadata declares (StringIndexer sets it), or -1. */
    static int labelClasses(StructField label) {
        Attribute a = Attribute.fromStructField(label);
        if (a instanceof NominalAttribute n) {
            Option<Object> v = n.getNumValues();
            if (v.isDefined()) {
                return (Integer) v.get();
            }
        }
        return -1;
    }
}
