// Databricks notebook source
// MAGIC %md
// MAGIC # Fashion-MNIST with spark-dl
// MAGIC
// MAGIC Train a convolutional network on Fashion-MNIST without leaving Spark: load the images as a
// MAGIC DataFrame, put preprocessing and a `CNNClassifier` in an MLlib `Pipeline`, fit it on the executors,
// MAGIC evaluate it with MLlib's evaluator, save it, load it back, and use it on PNG files read with Spark's
// MAGIC `image` data source.
// MAGIC
// MAGIC Needs the spark-dl assembly jar on the cluster and the Fashion-MNIST IDX files
// MAGIC (`apt-get install dataset-fashion-mnist` puts them in `/usr/share/datasets/fashion-mnist`).

// COMMAND ----------

import java.nio.file.Files
import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator
import org.apache.spark.sql.functions._
import org.sparkdl.datasets.{FashionMnist, FashionMnistFrames}
import org.sparkdl.spark.ml.cnn.{CNNClassificationModel, CNNClassifier}
import org.sparkdl.spark.ml.preprocess.{ChannelMeanSubtractor, ImageTensorizer}

val trainLimit = 0 // 0 = all 60,000 training images; a smaller number for a quick try
val epochs = 5
val train = FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, FashionMnist.Split.TRAIN, trainLimit)
  .withColumn("isVal", rand(7) < 0.1)
val test = FashionMnistFrames.load(spark, FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST, trainLimit / 6)
println(s"${train.count()} training rows, ${test.count()} test rows")
train.printSchema()

// COMMAND ----------

// MAGIC %md
// MAGIC ## Preprocessing and the network
// MAGIC
// MAGIC Each row's `features` is a vector of 784 pixels in [0, 1] (28×28, one channel), its `label` the class
// MAGIC 0–9. `ChannelMeanSubtractor` learns the mean pixel value and subtracts it. The network is written as
// MAGIC one spec string; `inputShape` tells how to read the vector as an image. 10% of the training rows are
// MAGIC held out (`isVal`) to report validation accuracy after every epoch.

// COMMAND ----------

val cnn = new CNNClassifier()
  .setFeaturesCol("centered")
  .setInputShape("1,28,28")
  .setSpec("conv(32,5,pad=2) relu maxpool(2) conv(64,5,pad=2) relu maxpool(2) flatten dense(256) relu dense(10)")
  .setOptimizer("adam")
  .setLearningRate(1e-3)
  .setMaxEpochs(epochs)
  .setValidationIndicatorCol("isVal")
val pipeline = new Pipeline().setStages(Array(
  new ChannelMeanSubtractor().setInputCol("features").setOutputCol("centered").setInputShape("1,28,28"),
  cnn))
val model = pipeline.fit(train)

// COMMAND ----------

// MAGIC %md
// MAGIC ## How training went
// MAGIC
// MAGIC The summary has one row per epoch: training loss and accuracy, validation accuracy, seconds,
// MAGIC images per second and the share of time spent averaging parameters across executors.

// COMMAND ----------

val cnnModel = model.stages.last.asInstanceOf[CNNClassificationModel]
val history = cnnModel.summary.toDataFrame(spark)
display(history)
val chart = new org.sparkdl.core.train.CurvesChart("Fashion-MNIST training")
  .loss("training loss", cnnModel.summary.series("trainingLoss"))
  .accuracy("training accuracy", cnnModel.summary.series("trainingAccuracy"))
  .accuracy("validation accuracy", cnnModel.summary.series("validationAccuracy"))
val png = new java.io.ByteArrayOutputStream()
chart.writePng(png)
displayHTML(s"<img src='data:image/png;base64,${java.util.Base64.getEncoder.encodeToString(png.toByteArray)}'/>")

// COMMAND ----------

// MAGIC %md
// MAGIC ## Evaluation on the test set
// MAGIC
// MAGIC MLlib's evaluator reads the model's `prediction` column; the per-class view shows which garments
// MAGIC the network confuses.

// COMMAND ----------

val scored = model.transform(test)
val accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored)
println(f"test accuracy: $accuracy%.4f")
val perClass = scored.groupBy("label")
  .agg(avg(when(col("prediction") === col("label"), 1.0).otherwise(0.0)).as("accuracy"), count("*").as("images"))
  .orderBy("label")
display(perClass)

// COMMAND ----------

// MAGIC %md
// MAGIC ## Save and load
// MAGIC
// MAGIC The fitted pipeline saves like any MLlib model (metadata as JSON, weights as Parquet) to any Hadoop
// MAGIC path, and loads in another application.

// COMMAND ----------

val modelPath = Files.createTempDirectory("fashion-mnist-model").resolve("pipeline").toString
model.write.overwrite().save(modelPath)
val loaded = PipelineModel.load(modelPath)
val same = loaded.transform(test).select("prediction").collect().toSeq == scored.select("prediction").collect().toSeq
println(s"saved to $modelPath; the loaded model predicts the same: $same")
require(same, "the loaded model must predict exactly as the saved one")

// COMMAND ----------

// MAGIC %md
// MAGIC ## Predicting on image files
// MAGIC
// MAGIC A folder of PNGs read with `spark.read.format("image")`: `ImageTensorizer` turns each image into
// MAGIC a features vector (grey, 28×28, values in [0, 1]) that the loaded pipeline can score. Here the
// MAGIC folder is made from a few test images.

// COMMAND ----------

val pngDir = Files.createTempDirectory("fashion-mnist-png")
val sample = FashionMnist.load(FashionMnist.DEBIAN_DIR, FashionMnist.Split.TEST).head(12)
for (i <- 0 until sample.size) {
  val img = new java.awt.image.BufferedImage(28, 28, java.awt.image.BufferedImage.TYPE_BYTE_GRAY)
  for (y <- 0 until 28; x <- 0 until 28) {
    val v = math.round(sample.pixels()(i * 784 + y * 28 + x) * 255)
    img.getRaster.setSample(x, y, 0, v)
  }
  javax.imageio.ImageIO.write(img, "png", pngDir.resolve(f"test-$i%02d-label-${sample.labels()(i)}.png").toFile)
}
val images = spark.read.format("image").load(pngDir.toString)
val tensors = new ImageTensorizer().setInputCol("image").setOutputCol("features").setChannelOrder("gray")
  .setSize(28, 28).transform(images)
val fromFiles = loaded.transform(tensors)
  .select(col("image.origin").as("file"), col("prediction"))
  .withColumn("predictedKind", element_at(typedLit(FashionMnist.CLASS_NAMES.toSeq), col("prediction").cast("int") + 1))
display(fromFiles)

// COMMAND ----------

// MAGIC %md
// MAGIC ## A recurrent network on the same images
// MAGIC
// MAGIC `RNNSequencer` trains recurrent networks (RNN, LSTM, GRU) the same way. Read as a sequence of 28
// MAGIC rows of 28 pixels (`sequenceShape`), each image goes through an LSTM whose last step is
// MAGIC classified.

// COMMAND ----------

import org.sparkdl.spark.ml.rnn.{RNNSequencer, RNNSequencerModel}

val rnn = new RNNSequencer()
  .setSequenceShape("28,28")
  .setSpec("lstm(64) last dense(10)")
  .setLearningRate(2e-3)
  .setSchedule("cosine")
  .setMaxEpochs(epochs)
  .fit(train)
val rnnAccuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(rnn.transform(test))
println(f"LSTM over the rows: test accuracy $rnnAccuracy%.4f")

// COMMAND ----------

// MAGIC %md
// MAGIC ## A character language model
// MAGIC
// MAGIC With `task = language-model` the same estimator learns to continue text, one character at a time:
// MAGIC fit learns the vocabulary, trains on windows of the text with truncated backpropagation through
// MAGIC time, and the model scores text (perplexity) and writes it. The text here is the `fortune`
// MAGIC collection (`apt-get install fortunes`), 5% of its records held out.

// COMMAND ----------

import org.sparkdl.datasets.{Fortunes, FortunesFrames}

val textLimit = 0 // 0 = all records; a smaller number for a quick try
val fortunes = FortunesFrames.load(spark, Fortunes.DEBIAN_DIR, 0.05, 7)
val texts = if (textLimit > 0) {
  fortunes.filter(!col("isValidation")).limit(textLimit).union(fortunes.filter(col("isValidation")).limit(textLimit / 10))
} else fortunes
val lm = new RNNSequencer()
  .setTask("language-model")
  .setFeaturesCol("text")
  .setValidationIndicatorCol("isValidation")
  .setSpec("embedding(32, vocab={vocab}) lstm(128) dense({vocab})")
  .setLearningRate(2e-3)
  .setMaxEpochs(epochs)
  .fit(texts)
println(s"vocabulary: ${lm.vocabulary.size} characters; validation: ${lm.score(texts.filter("isValidation"))}")
println("The " + lm.generate("The ", 200, 0.8, 0, 42))

// COMMAND ----------

// MAGIC %md
// MAGIC ## Pretraining without labels
// MAGIC
// MAGIC `ContrastivePretrainer` learns an encoder from the images alone (here SimCLR: two augmented views of
// MAGIC each image, every other view in the batch a negative). The labels of the held-out rows are read only
// MAGIC to report, after every epoch, the k-NN accuracy of their embeddings; they never enter the loss. The
// MAGIC model adds an `embedding` column.

// COMMAND ----------

import org.sparkdl.spark.ml.ssl.{ContrastivePretrainer, ContrastivePretrainerModel}

val pretrained = new ContrastivePretrainer()
  .setMethod("simclr")
  .setInputShape("1,28,28")
  .setMaxEpochs(epochs)
  .setLabelCol("label")
  .setValidationIndicatorCol("isVal")
  .fit(train)
display(pretrained.summary.toDataFrame(spark))
val sslChart = new org.sparkdl.core.train.CurvesChart("SimCLR pretraining")
  .loss("training loss", pretrained.summary.series("trainingLoss"))
  .accuracy("k-NN accuracy (held-out rows)", pretrained.summary.series("knnAccuracy"))
val sslPng = new java.io.ByteArrayOutputStream()
sslChart.writePng(sslPng)
displayHTML(s"<img src='data:image/png;base64,${java.util.Base64.getEncoder.encodeToString(sslPng.toByteArray)}'/>")

// COMMAND ----------

// MAGIC %md
// MAGIC ## Linear probe and fine-tuning from few labels
// MAGIC
// MAGIC The linear probe is an MLlib pipeline: the pretrained model (a fitted stage, applied and never trained)
// MAGIC then `LogisticRegression` on the embeddings. Fine-tuning starts a `CNNClassifier` from the saved encoder
// MAGIC with only `relu dense(10)` on top, here on 1,000 labelled images.

// COMMAND ----------

import org.apache.spark.ml.classification.LogisticRegression
import org.apache.spark.ml.PipelineStage

val probe = new Pipeline().setStages(Array[PipelineStage](
  pretrained, new LogisticRegression().setFeaturesCol("embedding").setMaxIter(100))).fit(train)
val probeAccuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(probe.transform(test))
println(f"linear probe on the SimCLR embeddings: test accuracy $probeAccuracy%.4f")

val encoderPath = Files.createTempDirectory("simclr-encoder").resolve("encoder").toString
pretrained.write.save(encoderPath)
val fewLabels = train.limit(1000)
val fineTuned = new CNNClassifier().setInitialEncoder(encoderPath).setSpec("relu dense(10)")
  .setMaxEpochs(epochs).setBatchSize(32).fit(fewLabels)
val fineTunedAccuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(fineTuned.transform(test))
println(f"fine-tuned from the encoder on 1,000 labels: test accuracy $fineTunedAccuracy%.4f")
