package org.sparkdl.spark.train;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.TaskFactory;

/**
 * Model replicas kept per executor JVM between rounds, so that a round does not rebuild the
 * network and its buffers. A task borrows one, runs its round and gives it back.
 *
 * <p>Bounded: idle replicas of at most {@value #CONFIGURATIONS} configurations are kept, the
 * least recently used dropped first, so an executor that missed a fit's clean-up job (or a
 * long-lived cluster running a {@code CrossValidator}) does not accumulate one set per fit. A fit
 * clears its own with {@link #clear} on every executor that ran it when it ends.
 */
final class ReplicaPool {
    static final int CONFIGURATIONS = 2;

    /** Access order: the first key is the least recently used. Guarded by the class lock. */
    private static final LinkedHashMap<String, ArrayDeque<LocalRounds>> IDLE = new LinkedHashMap<>(8, 0.75f, true);

    private ReplicaPool() {}

    static LocalRounds borrow(TaskFactory factory, String backend) {
        String key = key(factory, backend);
        synchronized (ReplicaPool.class) {
            ArrayDeque<LocalRounds> idle = IDLE.get(key);
            if (idle != null && !idle.isEmpty()) {
                return idle.poll();
            }
        }
        return new LocalRounds(
                factory, factory.create(Backends.choose(backend, taskCpus()).create()));
    }

    static void giveBack(LocalRounds replica, String backend) {
        String key = key(replica.factory(), backend);
        synchronized (ReplicaPool.class) {
            IDLE.computeIfAbsent(key, k -> new ArrayDeque<>()).add(replica);
            Iterator<Map.Entry<String, ArrayDeque<LocalRounds>>> oldest =
                    IDLE.entrySet().iterator();
            while (IDLE.size() > CONFIGURATIONS && oldest.hasNext()) {
                if (!oldest.next().getKey().equals(key)) {
                    oldest.remove();
                }
            }
        }
    }

    /** Drops this JVM's idle replicas of a finished fit (their buffers can be large). */
    static void clear(TaskFactory factory, String backend) {
        synchronized (ReplicaPool.class) {
            IDLE.remove(key(factory, backend));
        }
    }

    /** Idle replicas in this JVM, over all configurations. */
    static int idleCount() {
        synchronized (ReplicaPool.class) {
            return IDLE.values().stream().mapToInt(ArrayDeque::size).sum();
        }
    }

    private static String key(TaskFactory f, String backend) {
        return f.key() + "|" + backend;
    }

    private static int taskCpus() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }
}
