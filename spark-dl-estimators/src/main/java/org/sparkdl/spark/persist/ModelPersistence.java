package org.sparkdl.spark.persist;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.sparkdl.spark.ml.CNNClassificationModel;
import scala.Option;

/**
 * MLlib's layout for {@link CNNClassificationModel}: {@code metadata/} (class, uid, params as
 * JSON, written by Spark's default params writer) and {@code data/} (the weights as a
 * {@link TensorTable}). Loading reads JSON and Parquet only.
 */
public final class ModelPersistence {
    private ModelPersistence() {}

    /** Writes metadata, then the weights. */
    public static final class Writer extends MLWriter {
        private final CNNClassificationModel model;

        public Writer(CNNClassificationModel model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            TensorTable.write(
                    sparkSession(),
                    new Path(path, "data").toString(),
                    TensorTable.fromState(model.buildNetwork().stateLayout(), model.weights()));
        }
    }

    /** Reads metadata, rebuilds the network from its spec and shape, then loads and checks the weights. */
    public static final class Reader extends MLReader<CNNClassificationModel> {
        @Override
        public CNNClassificationModel load(String path) {
            requireModelDirectory(path);
            DefaultParamsReader.Metadata md =
                    DefaultParamsReader.loadMetadata(path, sparkSession(), CNNClassificationModel.class.getName());
            CNNClassificationModel model = new CNNClassificationModel(md.uid(), null);
            md.getAndSetParams(model, Option.empty());
            String data = new Path(path, "data").toString();
            float[] state = TensorTable.toState(
                    TensorTable.read(sparkSession(), data), model.buildNetwork().stateLayout(), data);
            model.loadWeights(state);
            return model;
        }

        private void requireModelDirectory(String path) {
            try {
                Path p = new Path(path);
                FileSystem fs = p.getFileSystem(sparkSession().sparkContext().hadoopConfiguration());
                for (String part : new String[] {"metadata", "data"}) {
                    if (!fs.exists(new Path(p, part))) {
                        throw new IllegalArgumentException(
                                path + " is not a saved CNNClassificationModel: it has no '" + part + "' directory");
                    }
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read model directory " + path + ": " + e.getMessage(), e);
            }
        }
    }
}
