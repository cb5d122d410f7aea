package org.sparkdl.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.sparkdl.spark.SparkTestSession;
import org.sparkdl.spark.ml.cnn.CNNClassificationModel;
import org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractorModel;
import org.sparkdl.spark.ml.rnn.RNNSequencerModel;
import org.sparkdl.spark.ml.ssl.ContrastivePretrainerModel;

/**
 * What Spark Connect's ML server needs to find and build these stages: it reads the class names of
 * {@code META-INF/services/org.apache.spark.ml.Estimator} and {@code ...Transformer} through
 * {@code ServiceLoader.stream()} (which demands a public no-argument constructor of every listed
 * class, and one bad entry breaks ML for the whole session), builds a stage with its {@code (String
 * uid)} constructor and sets the client's params by name, re-applies them to a fitted model (so a
 * model must have its estimator's params), and reloads models through their static {@code load}.
 */
class ConnectDiscoveryTest {
    private static List<String> listed(String service) throws IOException {
        try (InputStream in = ConnectDiscoveryTest.class.getResourceAsStream("/META-INF/services/" + service)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }

    @Test
    @DisabledIfSystemProperty(
            named = "sparkdl.spark.compat",
            matches = "3\\.5",
            disabledReason = "Spark Connect's ML server, and Spark's own ServiceLoader lists, came with Spark 4")
    void everyStageIsDiscoverableAndBuildableAsConnectBuildsIt() throws Exception {
        List<String> estimators = listed("org.apache.spark.ml.Estimator");
        List<String> transformers = listed("org.apache.spark.ml.Transformer");
        assertEquals(4, estimators.size(), "" + estimators);
        assertEquals(6, transformers.size(), "" + transformers);
        // what the server does: the types of every provider, Spark's own and ours, without instantiating
        Set<String> found = ServiceLoader.load(Estimator.class).stream()
                .map(p -> p.type().getName())
                .collect(Collectors.toSet());
        assertTrue(found.containsAll(estimators)
                && found.contains("org.apache.spark.ml.classification.LogisticRegression"));
        found = ServiceLoader.load(Transformer.class).stream()
                .map(p -> p.type().getName())
                .collect(Collectors.toSet());
        assertTrue(found.containsAll(transformers), "" + transformers);

        for (String name : estimators) {
            Class<?> c = Class.forName(name);
            PipelineStage stage = (PipelineStage) c.getConstructor(String.class).newInstance("connect_uid");
            assertEquals("connect_uid", stage.uid(), name);
            Class<?> modelClass = Class.forName(
                    name.contains("ChannelMean")
                            ? name + "Model"
                            : name.replace("Classifier", "ClassificationModel")
                                    .replace("Sequencer", "SequencerModel")
                                    .replace("Pretrainer", "PretrainerModel"));
            assertTrue(transformers.contains(modelClass.getName()), modelClass + " is listed");
            PipelineStage model = (PipelineStage) modelClass.getConstructor().newInstance();
            for (Param<?> p : stage.params()) {
                assertTrue(
                        model.hasParam(p.name()),
                        modelClass.getSimpleName() + " lacks its estimator's param " + p.name());
            }
        }
        for (String name : transformers) {
            Class<?> c = Class.forName(name);
            Object stage = c.getConstructor().newInstance();
            if (stage instanceof Model<?>) {
                Method load = c.getMethod("load", String.class);
                assertTrue(Modifier.isStatic(load.getModifiers()), name + ".load must be static");
            } else {
                assertEquals(
                        "connect_uid",
                        ((PipelineStage) c.getConstructor(String.class).newInstance("connect_uid")).uid());
            }
        }
    }

    /** A model made by the no-argument constructor holds no weights: it refuses to score or save. */
    @Test
    void anEmptyModelRefusesToScoreRatherThanGuess() {
        Dataset<Row> data = SparkTestSession.quadrants(8, 12, 1);
        for (Transformer empty : Arrays.asList(
                new CNNClassificationModel(),
                new ContrastivePretrainerModel(),
                new RNNSequencerModel(),
                new ChannelMeanSubtractorModel())) {
            var e = assertThrows(
                    IllegalStateException.class,
                    () -> empty.transform(data),
                    empty.getClass().getName());
            assertTrue(e.getMessage().contains("holds no trained state"), e.getMessage());
        }
    }
}
