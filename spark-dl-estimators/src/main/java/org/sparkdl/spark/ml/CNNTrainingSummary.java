package org.sparkdl.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Per-epoch figures of a fit: training loss and accuracy (over the epoch's mini-batches, in
 * training mode), validation accuracy (NaN without a validation set), seconds, images per second
 * and the share of the epoch spent outside local compute (broadcast, scheduling, aggregation).
 */
public final class CNNTrainingSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    /** One epoch's figures. A public bean so that {@link #toDataFrame} can encode it. */
    public static final class Epoch implements Serializable {
        private static final long serialVersionUID = 1L;
        private int epoch;
        private double trainingLoss;
        private double trainingAccuracy;
        private double validationAccuracy;
        private double learningRate;
        private double seconds;
        private double imagesPerSecond;
        private double averagingOverhead;

        public Epoch() {}

        public Epoch(
                int epoch,
                double trainingLoss,
                double trainingAccuracy,
                double validationAccuracy,
                double learningRate,
                double seconds,
                double imagesPerSecond,
                double averagingOverhead) {
            this.epoch = epoch;
            this.trainingLoss = trainingLoss;
            this.trainingAccuracy = trainingAccuracy;
            this.validationAccuracy = validationAccuracy;
            this.learningRate = learningRate;
            this.seconds = seconds;
            this.imagesPerSecond = imagesPerSecond;
            this.averagingOverhead = averagingOverhead;
        }

        public int getEpoch() {
            return epoch;
        }

        public void setEpoch(int v) {
            epoch = v;
        }

        public double getTrainingLoss() {
            return trainingLoss;
        }

        public void setTrainingLoss(double v) {
            trainingLoss = v;
        }

        public double getTrainingAccuracy() {
            return trainingAccuracy;
        }

        public void setTrainingAccuracy(double v) {
            trainingAccuracy = v;
        }

        public double getValidationAccuracy() {
            return validationAccuracy;
        }

        public void setValidationAccuracy(double v) {
            validationAccuracy = v;
        }

        public double getLearningRate() {
            return learningRate;
        }

        public void setLearningRate(double v) {
            learningRate = v;
        }

        public double getSeconds() {
            return seconds;
        }

        public void setSeconds(double v) {
            seconds = v;
        }

        public double getImagesPerSecond() {
            return imagesPerSecond;
        }

        public void setImagesPerSecond(double v) {
            imagesPerSecond = v;
        }

        /** Fraction of the epoch's round time spent outside local compute. */
        public double getAveragingOverhead() {
            return averagingOverhead;
        }

        public void setAveragingOverhead(double v) {
            averagingOverhead = v;
        }

        @Override
        public String toString() {
            return String.format(
                    java.util.Locale.ROOT,
                    "epoch %d: loss %.4f, train acc %.4f, validation acc %.4f, lr %.3g, %.1f s, %.0f images/s,"
                            + " averaging overhead %.1f%%",
                    epoch,
                    trainingLoss,
                    trainingAccuracy,
                    validationAccuracy,
                    learningRate,
                    seconds,
                    imagesPerSecond,
                    100 * averagingOverhead);
        }
    }

    private final List<Epoch> epochs;

    public CNNTrainingSummary(List<Epoch> epochs) {
        this.epochs = List.copyOf(epochs);
    }

    public List<Epoch> epochs() {
        return epochs;
    }

    public int totalEpochs() {
        return epochs.size();
    }

    public double[] trainingLossHistory() {
        return epochs.stream().mapToDouble(Epoch::getTrainingLoss).toArray();
    }

    public double[] validationAccuracyHistory() {
        return epochs.stream().mapToDouble(Epoch::getValidationAccuracy).toArray();
    }

    public List<Double> series(java.util.function.ToDoubleFunction<Epoch> f) {
        List<Double> out = new ArrayList<>();
        for (Epoch e : epochs) {
            out.add(f.applyAsDouble(e));
        }
        return out;
    }

    /** One row per epoch. */
    public Dataset<Row> toDataFrame(SparkSession spark) {
        return spark.createDataset(epochs, Encoders.bean(Epoch.class))
                .toDF()
                .select(
                        "epoch",
                        "trainingLoss",
                        "trainingAccuracy",
                        "validationAccuracy",
                        "learningRate",
                        "seconds",
                        "imagesPerSecond",
                        "averagingOverhead");
    }
}
