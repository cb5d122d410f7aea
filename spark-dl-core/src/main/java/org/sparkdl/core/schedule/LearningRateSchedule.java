package org.sparkdl.core.schedule;

/**
 * The learning rate as a function of the step count t = 0, 1, 2, ... (the trainer counts epochs
 * or iterations, whichever the schedule was built for). Values match PyTorch's schedulers.
 */
public interface LearningRateSchedule {
    double rate(int t);

    static LearningRateSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** lr·γ^(number of milestones ≤ t) — PyTorch's MultiStepLR. */
    static LearningRateSchedule step(double lr, double gamma, int... milestones) {
        return new Step(lr, gamma, milestones);
    }

    /** minLr + (lr − minLr)·(1 + cos(π·t/T))/2, held at minLr after T — CosineAnnealingLR. */
    static LearningRateSchedule cosine(double lr, int totalSteps, double minLr) {
        return new Cosine(lr, totalSteps, minLr);
    }

    /** lr·(1 + (endFactor − 1)·min(t, T)/T) — LinearLR from factor 1 to endFactor. */
    static LearningRateSchedule linear(double lr, int totalSteps, double endFactor) {
        return new Linear(lr, totalSteps, endFactor);
    }

    /**
     * A linear warm-up from {@code startFactor·inner(0)} to {@code inner(0)} over
     * {@code warmupSteps}, then {@code inner(t − warmupSteps)} — SequentialLR(LinearLR, inner).
     */
    static LearningRateSchedule warmUp(LearningRateSchedule inner, int warmupSteps, double startFactor) {
        return new WarmUp(inner, warmupSteps, startFactor);
    }

    record Constant(double lr) implements LearningRateSchedule {
        public Constant {
            Checks.rate(lr);
        }

        @Override
        public double rate(int t) {
            return lr;
        }
    }

    record Step(double lr, double gamma, int[] milestones) implements LearningRateSchedule {
        public Step {
            Checks.rate(lr);
            if (!(gamma > 0)) {
                throw new IllegalArgumentException("step schedule gamma must be positive, got " + gamma);
            }
            milestones = milestones.clone();
            for (int i = 0; i < milestones.length; i++) {
                if (milestones[i] <= 0 || (i > 0 && milestones[i] <= milestones[i - 1])) {
                    throw new IllegalArgumentException("step schedule milestones must be positive and increasing, got "
                            + java.util.Arrays.toString(milestones));
                }
            }
        }

        @Override
        public double rate(int t) {
            double r = lr;
            for (int m : milestones) {
                if (t >= m) {
                    r *= gamma;
                }
            }
            return r;
        }
    }

    record Cosine(double lr, int totalSteps, double minLr) implements LearningRateSchedule {
        public Cosine {
            Checks.rate(lr);
            Checks.rate(minLr);
            Checks.steps("cosine schedule length", totalSteps);
        }

        @Override
        public double rate(int t) {
            int c = Math.min(t, totalSteps);
            return minLr + (lr - minLr) * (1 + Math.cos(Math.PI * c / totalSteps)) / 2;
        }
    }

    record Linear(double lr, int totalSteps, double endFactor) implements LearningRateSchedule {
        public Linear {
            Checks.rate(lr);
            Checks.steps("linear schedule length", totalSteps);
            if (!(endFactor >= 0 && endFactor <= 1)) {
                throw new IllegalArgumentException("linear schedule end factor must be in [0, 1], got " + endFactor);
            }
        }

        @Override
        public double rate(int t) {
            return lr * (1 + (endFactor - 1) * Math.min(t, totalSteps) / (double) totalSteps);
        }
    }

    record WarmUp(LearningRateSchedule inner, int warmupSteps, double startFactor) implements LearningRateSchedule {
        public WarmUp {
            Checks.steps("warm-up length", warmupSteps);
            if (!(startFactor > 0 && startFactor <= 1)) {
                throw new IllegalArgumentException("warm-up start factor must be in (0, 1], got " + startFactor);
            }
        }

        @Override
        public double rate(int t) {
            if (t < warmupSteps) {
                return inner.rate(0) * (startFactor + (1 - startFactor) * t / (double) warmupSteps);
            }
            return inner.rate(t - warmupSteps);
        }
    }

    /** Shared argument checks. */
    final class Checks {
        private Checks() {}

        static void rate(double lr) {
            if (!(lr >= 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException("learning rate must be finite and non-negative, got " + lr);
            }
        }

        static void steps(String what, int n) {
            if (n <= 0) {
                throw new IllegalArgumentException(what + " must be positive, got " + n);
            }
        }
    }
}
