package org.sparkdl.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's prerequisite check as a newcomer meets it: {@code bin/spark-dl prerequisites
 * <command>} reports what the command would install, on this machine (everything present after
 * the test prerequisites are installed) and on a fresh one (an empty folder as the file-system root
 * of the checks); {@code --no-install} prints the command to run and exits 2, before any build.
 */
class PrerequisitesIT {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path fresh;

    private record Result(int exit, String output) {}

    private Result run(boolean freshMachine, String... args) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(
                                        REPO.resolve("bin/spark-dl").toString()),
                                java.util.Arrays.stream(args))
                        .toList())
                .directory(REPO.toFile())
                .redirectErrorStream(true);
        if (freshMachine) {
            pb.environment().put("SPARK_DL_PREREQ_ROOT", fresh.toString());
        }
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/spark-dl did not finish");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void thisMachineHasEverythingTheMainJobNeeds() throws Exception {
        Result r = run(false, "prerequisites", "train", "--data", "fashion-mnist", "--output", "/tmp/x");
        assertEquals(0, r.exit(), r.output());
        for (String need : List.of("java", "fashion-mnist", "openblas")) {
            assertTrue(r.output().contains("ok " + need), r.output());
        }
    }

    @Test
    void aFreshMachineGetsTheDataSetAndOpenBlasAndNothingForItsOwnData() throws Exception {
        Result r = run(true, "prerequisites", "train", "--data", "fashion-mnist", "--output", "/tmp/x");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("missing fashion-mnist: would install dataset-fashion-mnist"), r.output());
        assertTrue(r.output().contains("missing openblas: would install libopenblas0-pthread"), r.output());

        Result own = run(true, "prerequisites", "train", "--data", "/data/mine.parquet", "--output", "/tmp/x");
        assertTrue(!own.output().contains("fashion-mnist"), "data given as a path needs no package: " + own.output());

        Result refused = run(true, "train", "--data", "fashion-mnist", "--output", "/tmp/x", "--no-install");
        assertEquals(2, refused.exit(), refused.output());
        assertTrue(
                refused.output().contains("install with: sudo apt-get install -y dataset-fashion-mnist"),
                refused.output());
    }
}
