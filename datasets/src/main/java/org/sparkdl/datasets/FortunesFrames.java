package org.sparkdl.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The fortune records as a DataFrame: {@code text} (one record) and {@code isValidation}. */
public final class FortunesFrames {
    public static final StructType SCHEMA =
            new StructType().add("text", DataTypes.StringType, false).add("isValidation", DataTypes.BooleanType, false);

    private FortunesFrames() {}

    /** Records of {@code dir}, a {@code validationFraction} of them marked for validation by {@code seed}. */
    public static Dataset<Row> load(SparkSession spark, Path dir, double validationFraction, long seed)
            throws IOException {
        Fortunes.Split split = Fortunes.split(Fortunes.records(dir), validationFraction, seed);
        List<Row> rows = new ArrayList<>();
        split.train().forEach(t -> rows.add(RowFactory.create(t, false)));
        split.validation().forEach(t -> rows.add(RowFactory.create(t, true)));
        return spark.createDataFrame(rows, SCHEMA);
    }
}
