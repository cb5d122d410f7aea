package org.sparkdl.spark.train;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-epoch figures of a fit as named metrics: the task's (trainingLoss, trainingAccuracy,
 * validationAccuracy...) and the driver's (learningRate, seconds, samplesPerSecond,
 * averagingOverhead); which epoch's weights the model holds, and whether early stopping ended the
 * fit.
 */
public final class TrainingSummary implements Serializable {
    private static final long serialVersionUID = 2L;

    public static final String TRAINING_LOSS = "trainingLoss";
    public static final String LEARNING_RATE = "learningRate";
    public static final String SECONDS = "seconds";
    public static final String SAMPLES_PER_SECOND = "samplesPerSecond";
    /** Fraction of the epoch's round time spent outside local compute (broadcast, scheduling, reduction). */
    public static final String AVERAGING_OVERHEAD = "averagingOverhead";
    /** Chunks (cached partitions) the training data was packed into. */
    public static final String DATA_CHUNKS = "chunks";
    /** Model replicas that trained concurrently. */
    public static final String DATA_REPLICAS = "replicas";
    /** Bytes of the packed data's values (one byte a value for 8-bit columns). */
    public static final String DATA_PACKED_BYTES = "packedBytes";
    /** Bytes of the packed data in storage memory once packed (Spark's estimate of the objects). */
    public static final String DATA_MEMORY_BYTES = "memoryBytes";
    /** Bytes of the packed data spilled to disk once packed: data larger than storage memory. */
    public static final String DATA_DISK_BYTES = "diskBytes";
    /** The executors' storage memory together, which the packed data is measured against. */
    public static final String STORAGE_MEMORY_BYTES = "storageMemoryBytes";

    /** One epoch's figures; a bean so that checkpoints can store it as JSON. */
    public static final class Epoch implements Serializable {
        private static final long serialVersionUID = 1L;
        private int epoch;
        private LinkedHashMap<String, Double> metrics = new LinkedHashMap<>();

        public Epoch() {}

        public Epoch(int epoch, Map<String, Double> metrics) {
            this.epoch = epoch;
            this.metrics = new LinkedHashMap<>(metrics);
        }

        /** 1-based. */
        public int getEpoch() {
            return epoch;
        }

        public void setEpoch(int v) {
            epoch = v;
        }

        public Map<String, Double> getMetrics() {
            return metrics;
        }

        public void setMetrics(LinkedHashMap<String, Double> v) {
            metrics = v;
        }

        /** Metric {@code name}, NaN when this epoch does not have it. */
        public double get(String name) {
            Double v = metrics.get(name);
            return v == null ? Double.NaN : v;
        }

        public double trainingLoss() {
            return get(TRAINING_LOSS);
        }

        public double seconds() {
            return get(SECONDS);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("epoch " + epoch + ":");
            String sep = " ";
            for (Map.Entry<String, Double> e : metrics.entrySet()) {
                sb.append(sep).append(e.getKey()).append(' ').append(format(e.getKey(), e.getValue()));
                sep = ", ";
            }
            return sb.toString();
        }

        private static String format(String name, double v) {
            return switch (name) {
                case AVERAGING_OVERHEAD -> String.format(Locale.ROOT, "%.1f%%", 100 * v);
                case SECONDS -> String.format(Locale.ROOT, "%.1f s", v);
                case SAMPLES_PER_SECOND -> String.format(Locale.ROOT, "%.0f", v);
                case LEARNING_RATE -> String.format(Locale.ROOT, "%.3g", v);
                default -> String.format(Locale.ROOT, "%.4f", v);
            };
        }
    }

    private final List<Epoch> epochs;
    private final int bestEpoch;
    private final boolean stoppedEarly;
    private final LinkedHashMap<String, Double> data;

    /**
     * @param bestEpoch the epoch whose weights the model holds (the last one without early stopping)
     */
    public TrainingSummary(List<Epoch> epochs, int bestEpoch, boolean stoppedEarly) {
        this(epochs, bestEpoch, stoppedEarly, Map.of());
    }

    /** @param data figures of the packed training data ({@code DATA_*}, {@code STORAGE_MEMORY_BYTES}) */
    public TrainingSummary(List<Epoch> epochs, int bestEpoch, boolean stoppedEarly, Map<String, Double> data) {
        this.epochs = List.copyOf(epochs);
        this.bestEpoch = bestEpoch;
        this.stoppedEarly = stoppedEarly;
        this.data = new LinkedHashMap<>(data);
    }

    /**
     * Where the training data was once packed: chunks, replicas, packedBytes, memoryBytes, diskBytes
     * (more than 0: the data spilled) and storageMemoryBytes.
     */
    public Map<String, Double> data() {
        return java.util.Collections.unmodifiableMap(data);
    }

    /** Data figure {@code name} ({@link #data}), NaN when absent. */
    public double dataFigure(String name) {
        Double v = data.get(name);
        return v == null ? Double.NaN : v;
    }

    public List<Epoch> epochs() {
        return epochs;
    }

    public int totalEpochs() {
        return epochs.size();
    }

    /** The 1-based epoch whose weights the model holds. */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Whether early stopping ended the fit before maxEpochs. */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /** Every metric name, in the order first reported. */
    public List<String> metricNames() {
        Set<String> names = new LinkedHashSet<>();
        for (Epoch e : epochs) {
            names.addAll(e.getMetrics().keySet());
        }
        return List.copyOf(names);
    }

    /** Metric {@code name} per epoch (NaN where an epoch lacks it). */
    public double[] history(String name) {
        return epochs.stream().mapToDouble(e -> e.get(name)).toArray();
    }

    public double[] trainingLossHistory() {
        return history(TRAINING_LOSS);
    }

    /** {@link #history} as a list, for charts. */
    public List<Double> series(String name) {
        List<Double> out = new ArrayList<>();
        for (double v : history(name)) {
            out.add(v);
        }
        return out;
    }

    /**
     * The summary as one JSON object: {@code bestEpoch}, {@code stoppedEarly} and {@code epochs}, an
     * array of objects with {@code epoch} and every metric that epoch has (non-finite values as
     * null), for tools that read results rather than logs.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\"bestEpoch\": ")
                .append(bestEpoch)
                .append(", \"stoppedEarly\": ")
                .append(stoppedEarly)
                .append(", \"data\": {");
        String dsep = "";
        for (Map.Entry<String, Double> d : data.entrySet()) {
            sb.append(dsep).append('"').append(d.getKey()).append("\": ").append(number(d.getValue()));
            dsep = ", ";
        }
        sb.append("}, \"epochs\": [");
        String sep = "";
        for (Epoch e : epochs) {
            sb.append(sep).append("{\"epoch\": ").append(e.getEpoch());
            for (Map.Entry<String, Double> m : e.getMetrics().entrySet()) {
                sb.append(", \"").append(m.getKey()).append("\": ").append(number(m.getValue()));
            }
            sb.append('}');
            sep = ", ";
        }
        return sb.append("]}\n").toString();
    }

    /** One line per epoch under a header of {@code epoch} and the metric names; empty where an epoch lacks one. */
    public String toCsv() {
        List<String> names = metricNames();
        StringBuilder sb = new StringBuilder("epoch");
        names.forEach(n -> sb.append(',').append(n));
        sb.append('\n');
        for (Epoch e : epochs) {
            sb.append(e.getEpoch());
            for (String n : names) {
                Double v = e.getMetrics().get(n);
                sb.append(',').append(v == null || !Double.isFinite(v) ? "" : Double.toString(v));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String number(Double v) {
        return v == null || !Double.isFinite(v) ? "null" : Double.toString(v);
    }

    /** One row per epoch: {@code epoch}, then a double column per metric (null where an epoch lacks it). */
    public Dataset<Row> toDataFrame(SparkSession spark) {
        List<String> names = metricNames();
        StructType schema = new StructType().add("epoch", DataTypes.IntegerType, false);
        for (String n : names) {
            schema = schema.add(n, DataTypes.DoubleType, true);
        }
        List<Row> rows = new ArrayList<>();
        for (Epoch e : epochs) {
            Object[] values = new Object[names.size() + 1];
            values[0] = e.getEpoch();
            for (int i = 0; i < names.size(); i++) {
                values[i + 1] = e.getMetrics().get(names.get(i));
            }
            rows.add(RowFactory.create(values));
        }
        return spark.createDataFrame(rows, schema);
    }
}
