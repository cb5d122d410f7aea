package org.sparkdl.spark.train;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.spark.TaskContext;
import org.sparkdl.core.kernels.Backends;
import org.sparkdl.core.train.LocalRounds;
import org.sparkdl.core.train.TrainingConfig;

/**
 * Model replicas kept per executor JVM between rounds, so that a round does not rebuild the
 * network and its buffers. A task borrows one, runs its round and gives it back.
 */
final class ReplicaPool {
    private static final Map<String, Queue<LocalRounds>> IDLE = new ConcurrentHashMap<>();

    private ReplicaPool() {}

    static LocalRounds borrow(TrainingConfig config, String backend) {
        int cpus = taskCpus();
        LocalRounds r = IDLE.computeIfAbsent(key(config, backend), k -> new ConcurrentLinkedQueue<>())
                .poll();
        return r != null
                ? r
                : new LocalRounds(config, Backends.choose(backend, cpus).create());
    }

    static void giveBack(LocalRounds replica, String backend) {
        IDLE.computeIfAbsent(key(replica.config(), backend), k -> new ConcurrentLinkedQueue<>())
                .add(replica);
    }

    /** Drops idle replicas of a finished fit (their buffers can be large). */
    static void clear(TrainingConfig config, String backend) {
        IDLE.remove(key(config, backend));
    }

    private static String key(TrainingConfig c, String backend) {
        return c + "|" + backend; // the whole configuration, batch size and seed included
    }

    private static int taskCpus() {
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }
}
