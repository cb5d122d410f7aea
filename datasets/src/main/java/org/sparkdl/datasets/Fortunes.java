package org.sparkdl.datasets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * English text for character models: the {@code fortune} databases ({@code apt-get install
 * fortunes}), plain text files whose records are separated by lines holding only {@code %}. The
 * {@code .dat} files beside them are binary indexes and the {@code .u8} files links to the same
 * text; both are skipped, and so are sub-directories.
 */
public final class Fortunes {
    public static final Path DEBIAN_DIR = Path.of("/usr/share/games/fortunes");

    private Fortunes() {}

    /** Records of a split: training and validation text, whole records each. */
    public record Split(List<String> train, List<String> validation) {}

    /** Every non-empty record of every fortune file in {@code dir}, files in name order. */
    public static List<String> records(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException("no fortune files: " + dir + " is not a directory"
                    + (dir.equals(DEBIAN_DIR) ? " (apt-get install fortunes)" : ""));
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && !Files.isSymbolicLink(p))
                    .filter(p -> !p.getFileName().toString().endsWith(".dat")
                            && !p.getFileName().toString().endsWith(".u8"))
                    .sorted()
                    .toList();
        }
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            out.addAll(parse(Files.readString(f, StandardCharsets.UTF_8)));
        }
        if (out.isEmpty()) {
            throw new IOException("no fortune records in " + dir);
        }
        return out;
    }

    /** The records of one fortune file's text: split on lines holding only {@code %}, trimmed, empty ones dropped. */
    public static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder record = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.equals("%")) {
                add(out, record);
            } else {
                record.append(line).append('\n');
            }
        }
        add(out, record);
        return out;
    }

    private static void add(List<String> out, StringBuilder record) {
        String r = record.toString().strip();
        if (!r.isEmpty()) {
            out.add(r);
        }
        record.setLength(0);
    }

    /**
     * A record goes to validation when the CRC-32 of {@code seed + ":" + record} (UTF-8), modulo
     * 10,000, is below {@code validationFraction · 10,000}: a split any other program can repeat
     * (the PyTorch benchmark does), independent of the records' order.
     */
    public static Split split(List<String> records, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validationFraction must be in [0, 1), got " + validationFraction);
        }
        List<String> train = new ArrayList<>();
        List<String> validation = new ArrayList<>();
        for (String r : records) {
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update((seed + ":" + r).getBytes(StandardCharsets.UTF_8));
            (crc.getValue() % 10_000 < validationFraction * 10_000 ? validation : train).add(r);
        }
        return new Split(train, validation);
    }
}
