package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sparkdl.datasets.FashionMnist;

/**
 * Training data larger than storage memory, through spark-submit of the assembly on local[2]: the
 * same fit twice, once with the default memory and once with {@code spark.memory.fraction} so
 * small that the packed data is more than 3× the storage memory. The second spills most chunks to
 * disk, says so in its log and its summary, and ends with the same model: the chunks, their order
 * and every mini-batch are the same, only where the chunks are read from differs.
 */
class LargerThanMemoryIT {
    @TempDir
    static Path tmp;

    @BeforeAll
    static void requirements() {
        Processes.requireAssembly();
        assertTrue(Files.isDirectory(FashionMnist.DEBIAN_DIR), "apt-get install dataset-fashion-mnist");
    }

    private static Processes.Jvm train(Processes ps, String name, Map<String, String> confs) throws Exception {
        Processes.Jvm jvm = ps.sparkSubmit(
                name,
                "local[2]",
                confs,
                "train",
                "--data",
                "fashion-mnist",
                "--limit",
                "18000",
                "--epochs",
                "1",
                "--partitions",
                "2",
                "--block-size-mb",
                "4",
                "--output",
                tmp.resolve(name).toString());
        assertEquals(0, jvm.exit(Duration.ofMinutes(5)), jvm.tail());
        return jvm;
    }

    @Test
    void aFitOnDataThreeTimesTheStorageMemorySpillsAndLearnsTheSameModel() throws Exception {
        try (Processes ps = new Processes(tmp.resolve("logs"))) {
            // 1,500 MB heap: (1,500 - 300 reserved) × 0.004 = 4.8 MB for storage and execution together.
            Processes.Jvm small = train(ps, "small-memory", Map.of("spark.memory.fraction", "0.004"));
            String s = small.jsonLine();
            double packed = ClusterIT.number(s, "data_packed_bytes");
            double storage = ClusterIT.number(s, "storage_memory_bytes");
            assertTrue(packed >= 3 * storage, "the data is 3× the storage memory: " + s);
            assertTrue(ClusterIT.number(s, "data_disk_bytes") > packed / 2, "most of it spilled: " + s);
            assertTrue(small.output().contains("does not fit in the executors'"), "the log says so: " + small.tail());

            Processes.Jvm roomy = train(ps, "default-memory", Map.of());
            String r = roomy.jsonLine();
            assertEquals(0.0, ClusterIT.number(r, "data_disk_bytes"), r);
            assertEquals(packed, ClusterIT.number(r, "data_packed_bytes"), r);
            double accuracy = ClusterIT.number(r, "test_accuracy");
            assertTrue(accuracy > 0.75, r);
            assertEquals(accuracy, ClusterIT.number(s, "test_accuracy"), 1e-6, "same model:\n" + s + "\n" + r);
            assertEquals(ClusterIT.number(r, "final_training_loss"), ClusterIT.number(s, "final_training_loss"), 1e-6);
        }
    }
}
