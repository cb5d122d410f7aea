package org.sparkdl.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WorkerTeamTest {

    @Test
    void everyItemRunsOnceInContiguousParts() {
        WorkerTeam team = new WorkerTeam(3, "test-team");
        for (int count = 0; count < 400; count++) {
            AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, count));
            AtomicIntegerArray partOf = new AtomicIntegerArray(Math.max(1, count));
            int parts = team.run(count, (part, from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                    partOf.set(i, part);
                }
            });
            assertEquals(count < 2 ? 1 : Math.min(3, count), parts, "parts for " + count);
            for (int i = 0; i < count; i++) {
                assertEquals(1, hits.get(i), "item " + i + " of " + count);
                if (i > 0) {
                    assertTrue(partOf.get(i) >= partOf.get(i - 1), "parts are contiguous and in order");
                }
            }
        }
    }

    @Test
    void partsRunOnDifferentThreadsAndTheCallerRunsPartZero() {
        WorkerTeam team = new WorkerTeam(2, "test-team");
        Thread[] ranOn = new Thread[2];
        team.run(2, (part, from, to) -> ranOn[part] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
        assertTrue(ranOn[1] != null && ranOn[1] != Thread.currentThread());
        assertTrue(ranOn[1].getName().startsWith("test-team-"), ranOn[1].getName());
    }

    @Test
    void aFailingPartIsThrownToTheCallerAndTheTeamGoesOn() {
        WorkerTeam team = new WorkerTeam(2, "test-team");
        IllegalStateException boom = new IllegalStateException("boom in part 1");
        IllegalStateException thrown = assertThrows(
                IllegalStateException.class,
                () -> team.run(10, (part, from, to) -> {
                    if (part == 1) {
                        throw boom;
                    }
                }));
        assertSame(boom, thrown);
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        team.run(10, (part, from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 10; i++) {
            assertEquals(1, hits.get(i));
        }
    }

    @Test
    void aJobStartedInsideAPartRunsSerially() {
        WorkerTeam team = new WorkerTeam(2, "test-team");
        AtomicIntegerArray innerParts = new AtomicIntegerArray(2);
        team.run(2, (part, from, to) -> innerParts.set(part, team.run(100, (p, f, t) -> {})));
        assertEquals(1, innerParts.get(0));
        assertEquals(1, innerParts.get(1));
    }

    @Test
    void idleWorkersExitAndTheNextJobStartsFreshOnes() throws InterruptedException {
        WorkerTeam team = new WorkerTeam(2, "idle-team", 20_000_000L);
        AtomicReference<Thread> first = new AtomicReference<>();
        team.run(2, (part, from, to) -> {
            if (part == 1) {
                first.set(Thread.currentThread());
            }
        });
        first.get().join(10_000);
        assertTrue(!first.get().isAlive(), "an idle worker exits");
        AtomicReference<Thread> second = new AtomicReference<>();
        team.run(2, (part, from, to) -> {
            if (part == 1) {
                second.set(Thread.currentThread());
            }
        });
        assertTrue(second.get() != null && second.get() != first.get());
    }

    @Test
    void jobsFromTwoThreadsTakeTurns() throws InterruptedException {
        WorkerTeam team = new WorkerTeam(2, "test-team");
        AtomicIntegerArray hits = new AtomicIntegerArray(2 * 1000);
        Runnable caller = () -> {
            for (int j = 0; j < 1000; j++) {
                int slot = j;
                team.run(2, (part, from, to) -> hits.incrementAndGet(2 * slot + part));
            }
        };
        Thread other = new Thread(caller);
        other.start();
        caller.run();
        other.join();
        for (int i = 0; i < hits.length(); i++) {
            assertEquals(2, hits.get(i), "slot " + i);
        }
    }
}
