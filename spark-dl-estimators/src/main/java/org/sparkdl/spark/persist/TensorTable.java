package org.sparkdl.spark.persist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.sparkdl.core.nn.Sequential;
import org.sparkdl.core.tensor.Shapes;

/**
 * Named float tensors as a Parquet table {@code (name string, shape array<int>, values array<float>)},
 * one row per tensor, through Spark's data source (so any Hadoop path works). Reading only parses
 * Parquet, never deserialises Java objects; every tensor is checked against the expected layout.
 */
public final class TensorTable {
    public static final StructType SCHEMA = new StructType()
            .add("name", DataTypes.StringType, false)
            .add("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
            .add("values", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    private TensorTable() {}

    /** A named tensor. */
    public record Entry(String name, int[] shape, float[] values) {}

    /** The entries of a flat model state, named by {@link Sequential#stateLayout()}. */
    public static List<Entry> fromState(List<Sequential.StateEntry> layout, float[] state) {
        List<Entry> out = new ArrayList<>();
        for (Sequential.StateEntry e : layout) {
            out.add(new Entry(e.name(), e.shape(), Arrays.copyOfRange(state, e.offset(), e.offset() + e.size())));
        }
        return out;
    }

    public static void write(SparkSession spark, String path, List<Entry> entries) {
        List<Row> rows = new ArrayList<>();
        for (Entry e : entries) {
            Integer[] shape = Arrays.stream(e.shape()).boxed().toArray(Integer[]::new);
            Float[] values = new Float[e.values().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = e.values()[i];
            }
            rows.add(RowFactory.create(e.name(), shape, values));
        }
        spark.createDataFrame(rows, SCHEMA).coalesce(1).write().parquet(path);
    }

    /** All entries of the table at {@code path}, by name. */
    public static Map<String, Entry> read(SparkSession spark, String path) {
        Dataset<Row> df;
        try {
            df = spark.read().parquet(path);
        } catch (Exception e) {
            throw new IllegalArgumentException(
                    "cannot read the weights table at " + path + " as Parquet: " + e.getMessage(), e);
        }
        for (String column : new String[] {"name", "shape", "values"}) {
            if (!Arrays.asList(df.schema().fieldNames()).contains(column)) {
                throw new IllegalArgumentException("the weights table at " + path + " has no column '" + column
                        + "'; it is not a spark-dl weights table (columns: "
                        + Arrays.toString(df.schema().fieldNames())
                        + ")");
            }
        }
        Map<String, Entry> out = new HashMap<>();
        for (Row r : df.select("name", "shape", "values").collectAsList()) {
            List<Integer> shape = r.getList(1);
            List<Object> values = r.getList(2);
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) values.get(i)).floatValue();
            }
            out.put(
                    r.getString(0),
                    new Entry(
                            r.getString(0),
                            shape.stream().mapToInt(Integer::intValue).toArray(),
                            v));
        }
        return out;
    }

    /** Assembles a flat state from the table, checking every tensor's presence, shape and size. */
    public static float[] toState(Map<String, Entry> table, List<Sequential.StateEntry> layout, String path) {
        int total = 0;
        for (Sequential.StateEntry e : layout) {
            total += e.size();
        }
        float[] state = new float[total];
        for (Sequential.StateEntry e : layout) {
            Entry t = table.get(e.name());
            if (t == null) {
                throw new IllegalArgumentException("the weights at " + path + " have no tensor '" + e.name() + "' ("
                        + Shapes.describe(e.shape()) + "); they were saved for another spec");
            }
            if (!Arrays.equals(t.shape(), e.shape()) || t.values().length != e.size()) {
                throw new IllegalArgumentException("tensor '" + e.name() + "' at " + path + " has shape "
                        + Shapes.describe(t.shape()) + " and " + t.values().length + " values; the spec needs "
                        + Shapes.describe(e.shape()));
            }
            System.arraycopy(t.values(), 0, state, e.offset(), e.size());
        }
        return state;
    }
}
