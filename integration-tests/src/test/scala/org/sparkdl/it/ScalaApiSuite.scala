package org.sparkdl.it

import java.nio.file.Files

import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.ml.feature.{IndexToString, StringIndexer}
import org.apache.spark.ml.tuning.{CrossValidator, CrossValidatorModel, ParamGridBuilder}
import org.apache.spark.sql.{DataFrame, SparkSession}
import org.apache.spark.sql.functions._
import org.scalatest.BeforeAndAfterAll
import org.scalatest.funsuite.AnyFunSuite
import org.sparkdl.datasets.{FashionMnist, FashionMnistFrames}
import org.sparkdl.spark.ml.cnn.{CNNClassificationModel, CNNClassifier}
import org.sparkdl.spark.ml.preprocess.ChannelMeanSubtractor

/** spark-dl used from Scala as a Spark user would: Pipeline, CrossValidator, save and load. */
class ScalaApiSuite extends AnyFunSuite with BeforeAndAfterAll {
  private lazy val spark: SparkSession = SparkSession.builder()
    .master("local[2]")
    .appName("spark-dl ScalaTest")
    .config("spark.ui.enabled", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.sql.shuffle.partitions", "4")
    .getOrCreate()

  override def afterAll(): Unit = spark.stop()

  /** Fashion-MNIST rows with the class names as strings, as a user's data would have them. */
  private def clothes(split: FashionMnist.Split, n: Int): DataFrame = {
    val names = typedLit(FashionMnist.CLASS_NAMES.toSeq)
    FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, split, n)
      .withColumn("kind", element_at(names, col("label").cast("int") + 1))
      .drop("label")
  }

  private def pipeline(): (Pipeline, CNNClassifier, StringIndexer) = {
    val indexer = new StringIndexer().setInputCol("kind").setOutputCol("label")
    val cnn = new CNNClassifier()
      .setFeaturesCol("centered")
      .setInputShape("1,28,28")
      .setSpec("conv(8,5,pad=2) relu maxpool(2) flatten dense(10)")
      .setMaxEpochs(2)
      .setBatchSize(32)
    val stages = Array(
      indexer,
      new ChannelMeanSubtractor().setInputCol("features").setOutputCol("centered").setInputShape("1,28,28"),
      cnn)
    (new Pipeline().setStages(stages.map(s => s: org.apache.spark.ml.PipelineStage)), cnn, indexer)
  }

  test("a Pipeline of MLlib and spark-dl stages trains, evaluates, saves and loads") {
    assume(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist")
    val train = clothes(FashionMnist.Split.TRAIN, 2000)
    val test = clothes(FashionMnist.Split.TEST, 500)
    val (p, _, _) = pipeline()
    val model = p.fit(train)
    val scored = model.transform(test)
    val accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored)
    assert(accuracy > 0.6, s"accuracy $accuracy")

    val cnn = model.stages.collectFirst { case m: CNNClassificationModel => m }.get
    assert(cnn.summary.totalEpochs == 2)
    assert(cnn.summary.toDataFrame(spark).count() == 2)
    val labels = model.stages(0).asInstanceOf[org.apache.spark.ml.feature.StringIndexerModel].labelsArray(0)
    val named = new IndexToString().setInputCol("prediction").setOutputCol("predictedKind").setLabels(labels)
      .transform(scored)
    assert(named.select("predictedKind").distinct().collect().map(_.getString(0)).toSet
      .subsetOf(FashionMnist.CLASS_NAMES.toSet))

    val path = Files.createTempDirectory("sparkdl-scala").resolve("pipeline").toString
    model.write.overwrite().save(path)
    val loaded = PipelineModel.load(path)
    val before = scored.select("prediction").collect().toSeq
    val after = loaded.transform(test).select("prediction").collect().toSeq
    assert(before == after)
  }

  test("CrossValidator searches a grid of spark-dl params") {
    assume(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist")
    val data = clothes(FashionMnist.Split.TRAIN, 1200)
    val (p, cnn, _) = pipeline()
    val grid = new ParamGridBuilder()
      .addGrid(cnn.learningRate, Array(1e-6, 3e-3))
      .addGrid(cnn.optimizer, Array("adam", "rmsprop"))
      .build()
    val cv = new CrossValidator()
      .setEstimator(p)
      .setEstimatorParamMaps(grid)
      .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy"))
      .setNumFolds(2)
      .setSeed(7)
    val fitted: CrossValidatorModel = cv.fit(data)
    assert(fitted.avgMetrics.length == 4)
    val best = fitted.bestModel.asInstanceOf[PipelineModel].stages.last.asInstanceOf[CNNClassificationModel]
    assert(best.getLearningRate == 3e-3, fitted.avgMetrics.mkString(", "))
    val path = Files.createTempDirectory("sparkdl-cv").resolve("cv").toString
    fitted.write.overwrite().save(path)
    val reloaded = CrossValidatorModel.load(path)
    assert(reloaded.avgMetrics.toSeq == fitted.avgMetrics.toSeq)
  }
}
