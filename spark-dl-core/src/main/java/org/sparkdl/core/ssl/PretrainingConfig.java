package org.sparkdl.core.ssl;

import java.io.Serializable;
import org.sparkdl.core.augment.Augmentation;
import org.sparkdl.core.train.TrainingConfig;

/**
 * What a pretraining replica needs, as plain values that travel to executors.
 *
 * @param encoder the encoder's spec and input shape (C,H,W), the optimizer, clipping, batch size,
 *     initialiser and seed; its loss is not used
 * @param projectionSize the head's output: the projection of the contrastive methods, DINO's
 *     number of prototypes (for rotation the head always puts out 4)
 * @param headHiddenSize the width of the head's hidden layer (simclr, dcl, moco and dino; the
 *     rotation head has none); 0 for as wide as the embedding
 * @param temperature the contrastive methods' softmax temperature; DINO's student temperature
 * @param teacherTemperature DINO's teacher temperature (sharpening) over the fit
 * @param momentum of the moving averages: MoCo's key encoder, DINO's teacher (at the first epoch)
 * @param momentumSchedule how that momentum moves over the fit's epochs
 * @param centerMomentum of DINO's moving-average centre of the teacher's outputs
 * @param queueSize MoCo's queue of past keys
 * @param localCrops DINO's local crops per image, besides its two global views
 * @param globalViews the augmentation of the two views of every method (DINO's global crops)
 * @param localViews the augmentation of DINO's local crops (small crop scales, resized to the input)
 */
public record PretrainingConfig(
        PretrainingMethod method,
        TrainingConfig encoder,
        int projectionSize,
        int headHiddenSize,
        double temperature,
        TeacherTemperature teacherTemperature,
        double momentum,
        MomentumSchedule momentumSchedule,
        double centerMomentum,
        int queueSize,
        int localCrops,
        Augmentation globalViews,
        Augmentation localViews)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Rotations the rotation method predicts: 0°, 90°, 180° and 270°. */
    public static final int ROTATIONS = 4;

    public PretrainingConfig {
        require(projectionSize > 0, "projectionSize must be positive, got " + projectionSize);
        require(
                headHiddenSize >= 0,
                "headHiddenSize must be >= 0 (0: as wide as the embedding), got " + headHiddenSize);
        require(temperature > 0 && Double.isFinite(temperature), "temperature must be > 0, got " + temperature);
        require(teacherTemperature != null, "teacherTemperature must be given");
        require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
        require(momentumSchedule != null, "momentumSchedule must be given");
        require(centerMomentum >= 0 && centerMomentum < 1, "centerMomentum must be in [0, 1), got " + centerMomentum);
        require(localCrops >= 0, "localCrops must be >= 0, got " + localCrops);
        require(queueSize > 0, "queueSize must be positive, got " + queueSize);
        int[] shape = encoder.inputShape();
        require(
                shape.length == 3,
                "pretraining augments images: the input shape must be C,H,W, got " + java.util.Arrays.toString(shape));
        if (method.contrastive()) {
            require(
                    encoder.batchSize() >= 2,
                    "batchSize " + encoder.batchSize() + " is too small for " + method.token()
                            + ": the other samples of a batch are its negatives, so a batch needs at least 2");
        }
        if (method == PretrainingMethod.MOCO) {
            require(
                    queueSize >= encoder.batchSize(),
                    "queueSize " + queueSize + " is smaller than batchSize " + encoder.batchSize()
                            + ": MoCo's queue must hold at least one batch of keys");
        }
        if (method == PretrainingMethod.ROTATION) {
            require(
                    shape[1] == shape[2],
                    "the rotation method turns images by 90°, so they must be square; the input shape is " + shape[0]
                            + "," + shape[1] + "," + shape[2]);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * The head on top of an embedding of {@code embeddingSize}: for rotation a linear classifier of
     * the 4 rotations after a ReLU; for DINO the paper's head, two layers then the cosine similarity
     * to {@code projectionSize} unit-length prototypes ({@code l2norm prototypes(K)}), its second
     * layer (the paper's bottleneck) as wide as the embedding; otherwise SimCLR's two-layer
     * projection. The first layer is {@code headHiddenSize} wide, or as wide as the embedding.
     */
    public String headSpec(int embeddingSize) {
        if (method == PretrainingMethod.ROTATION) {
            return "relu dense(" + ROTATIONS + ")";
        }
        int hidden = headHiddenSize == 0 ? embeddingSize : headHiddenSize;
        if (method == PretrainingMethod.DINO) {
            return "relu dense(" + hidden + ") relu dense(" + embeddingSize + ") l2norm prototypes(" + projectionSize
                    + ")";
        }
        return "relu dense(" + hidden + ") relu dense(" + projectionSize + ")";
    }

    /** Views of each image in a step: 2, DINO's 2 + localCrops, rotation's 4 turns. */
    public int viewsPerImage() {
        return switch (method) {
            case DINO -> 2 + localCrops;
            case ROTATION -> ROTATIONS;
            default -> 2;
        };
    }
}
