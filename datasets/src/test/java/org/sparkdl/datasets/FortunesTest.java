package org.sparkdl.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FortunesTest {
    @TempDir
    Path tmp;

    @Test
    void recordsAreSplitOnPercentLinesAndIndexesAndLinksAreSkipped() throws IOException {
        Files.writeString(tmp.resolve("b"), "Second file.\n%\n");
        Files.writeString(tmp.resolve("a"), "One\nline two\n%\n\n%\nThree: 100% sure\n%");
        Files.write(tmp.resolve("a.dat"), new byte[] {0, 1, 2, 3});
        Files.createSymbolicLink(tmp.resolve("a.u8"), tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("off")).resolve("x");
        assertEquals(List.of("One\nline two", "Three: 100% sure", "Second file."), Fortunes.records(tmp));
    }

    @Test
    void theSplitIsByRecordAndSeeded() {
        List<String> records = java.util.stream.IntStream.range(0, 1000)
                .mapToObj(i -> "record " + i)
                .toList();
        Fortunes.Split a = Fortunes.split(records, 0.1, 7);
        assertEquals(a, Fortunes.split(records, 0.1, 7));
        assertEquals(1000, a.train().size() + a.validation().size());
        assertTrue(
                a.validation().size() > 60 && a.validation().size() < 140,
                "" + a.validation().size());
        assertTrue(a.train().stream().noneMatch(a.validation()::contains));
        assertThrows(IllegalArgumentException.class, () -> Fortunes.split(records, 1.0, 7));
    }

    @Test
    void debianFortunesHaveThousandsOfRecords() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Files.isDirectory(Fortunes.DEBIAN_DIR), "apt-get install fortunes (.ci/run does)");
        List<String> records = Fortunes.records(Fortunes.DEBIAN_DIR);
        assertTrue(records.size() > 5000, records.size() + " records");
        assertTrue(records.stream().noneMatch(r -> r.contains("\n%\n")));
    }
}
