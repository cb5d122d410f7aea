package org.sparkdl.core.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fixed team that runs one job split into parts: the calling thread runs part 0 and {@code size −
 * 1} worker threads the others, then the caller waits for them. It replaces a {@code ForkJoinPool}
 * for the kernels' hand-offs, which happen dozens of times per training step (every convolution,
 * pooling and large GEMM splits its batch).
 *
 * <p>Why not a pool: a {@code ForkJoinPool.submit(...).join()} from the training thread took 11–27
 * µs back to back and 43–62 µs after 200 µs of serial work, measured here on 2 cores ({@code
 * bench} {@code HandOffTimes}, 5 rounds): the caller hands the whole job to pool threads that are
 * parked, and waits. Here the caller works on its own part at once, and a worker that finished a
 * part spins for {@link #SPIN_NANOS} before it parks, so the next hand-off of a step finds it
 * awake: 0.5–3.6 and 5–13 µs in the same rounds.
 *
 * <p>A worker parked for {@link #IDLE_NANOS} (by default) exits, and the next job starts a fresh one: a team
 * whose owner is gone leaves no threads behind for long. Jobs from several threads take turns.
 */
final class WorkerTeam {
    /** How long a worker spins for the next job after finishing one: longer than a step's gaps between hand-offs. */
    static final long SPIN_NANOS = 200_000;

    /** How long a parked worker waits for a job before it exits, by default. */
    static final long IDLE_NANOS = 30_000_000_000L;

    /** A part of a job: items {@code [from, to)} of {@code count}, by worker {@code part}. */
    interface PartBody {
        void run(int part, int from, int to);
    }

    private static final int RUNNING = 0;
    private static final int PARKED = 1;
    private static final int EXITED = 2;

    /** One job: its parts and what they left. */
    private static final class Job {
        final long generation;
        final int count;
        final int parts;
        final PartBody body;
        final AtomicInteger pending;
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final Thread caller;

        Job(long generation, int count, int parts, PartBody body) {
            this.generation = generation;
            this.count = count;
            this.parts = parts;
            this.body = body;
            this.pending = new AtomicInteger(parts - 1);
            this.caller = Thread.currentThread();
        }

        void runPart(int part) {
            body.run(part, (int) ((long) count * part / parts), (int) ((long) count * (part + 1) / parts));
        }
    }

    private final int size;
    private final String name;
    private final long idleNanos;
    private final Worker[] workers;
    private final ReentrantLock turn = new ReentrantLock();
    private volatile Job job = new Job(0, 0, 1, (p, f, t) -> {});

    WorkerTeam(int size, String name) {
        this(size, name, IDLE_NANOS);
    }

    /** @param idleNanos how long a parked worker waits for a job before it exits */
    WorkerTeam(int size, String name, long idleNanos) {
        if (size < 2) {
            throw new IllegalArgumentException("a team needs at least 2 threads, got " + size);
        }
        this.size = size;
        this.name = name;
        this.idleNanos = idleNanos;
        this.workers = new Worker[size - 1];
    }

    int size() {
        return size;
    }

    /**
     * Splits {@code [0, count)} into {@code min(size, count)} contiguous parts, runs them (part 0 on
     * this thread) and returns how many there were. A failure in any part is thrown here after all
     * parts ended. A job started from inside a part runs serially, as one part.
     */
    int run(int count, PartBody body) {
        if (count < 2 || turn.isHeldByCurrentThread() || Worker.isWorker()) {
            body.run(0, 0, count);
            return 1;
        }
        turn.lock();
        try {
            int parts = Math.min(size, count);
            Job j = new Job(job.generation + 1, count, parts, body);
            job = j;
            for (int i = 1; i < parts; i++) {
                wake(i);
            }
            try {
                j.runPart(0);
            } catch (Throwable t) {
                j.failure.compareAndSet(null, t);
            }
            awaitWorkers(j);
            Throwable failure = j.failure.get();
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new IllegalStateException(failure);
            }
            return parts;
        } finally {
            turn.unlock();
        }
    }

    /** Worker i (part i) awake for the current job: unparked, or started where it exited. */
    private void wake(int part) {
        Worker w = workers[part - 1];
        if (w != null && w.state.get() == PARKED && w.state.compareAndSet(PARKED, RUNNING)) {
            LockSupport.unpark(w);
        } else if (w == null || w.state.get() == EXITED) {
            Worker fresh = new Worker(part, job.generation - 1);
            workers[part - 1] = fresh;
            fresh.start();
        }
    }

    /** Spin while the workers are likely busy with their equal shares, then park until the last one unparks us. */
    private static void awaitWorkers(Job j) {
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (j.pending.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(j, 50_000);
            }
        }
    }

    private final class Worker extends Thread {
        final int part;
        final AtomicInteger state = new AtomicInteger(RUNNING);
        private long seen;

        Worker(int part, long seen) {
            super(name + "-" + part);
            this.part = part;
            this.seen = seen;
            setDaemon(true);
        }

        static boolean isWorker() {
            return Thread.currentThread() instanceof WorkerTeam.Worker;
        }

        @Override
        public void run() {
            while (true) {
                Job j = awaitJob();
                if (j == null) {
                    return;
                }
                seen = j.generation;
                if (part < j.parts) {
                    try {
                        j.runPart(part);
                    } catch (Throwable t) {
                        j.failure.compareAndSet(null, t);
                    }
                    if (j.pending.decrementAndGet() == 0) {
                        LockSupport.unpark(j.caller);
                    }
                }
            }
        }

        /** The next job, spinning first, then parked; null when none came for the idle time (exited). */
        private Job awaitJob() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (System.nanoTime() < spinUntil) {
                Job j = job;
                if (j.generation != seen) {
                    return j;
                }
                Thread.onSpinWait();
            }
            state.set(PARKED);
            long idleUntil = System.nanoTime() + idleNanos;
            while (true) {
                Job j = job;
                if (j.generation != seen) {
                    state.set(RUNNING);
                    return j;
                }
                if (state.get() == RUNNING) {
                    continue; // woken: the new job is visible on the next read
                }
                if (System.nanoTime() >= idleUntil && state.compareAndSet(PARKED, EXITED)) {
                    return null;
                }
                LockSupport.parkNanos(this, Math.max(1, idleUntil - System.nanoTime()));
            }
        }
    }
}
