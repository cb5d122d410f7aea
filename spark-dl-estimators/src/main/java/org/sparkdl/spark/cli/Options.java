package org.sparkdl.spark.cli;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} options of one command, checked against the names it accepts; the switches
 * take no value: {@code --overwrite} and {@code --verbose}, which every command accepts, and
 * {@code --baselines}, where a command lists it.
 */
final class Options {
    static final Set<String> SWITCHES = Set.of("overwrite", "verbose", "baselines");
    private static final Set<String> EVERY_COMMAND = Set.of("overwrite", "verbose");

    private final String command;
    private final Map<String, String> values = new HashMap<>();

    Options(String command, String[] args, int from, Set<String> accepted) {
        this.command = command;
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException(
                        command + ": unexpected argument '" + a + "'; options look like" + " --name value");
            }
            String name = a.substring(2);
            if (!accepted.contains(name) && !EVERY_COMMAND.contains(name)) {
                throw new IllegalArgumentException(command + ": unknown option --" + name + "; expected one of "
                        + accepted.stream().sorted().map(s -> "--" + s).toList());
            }
            if (SWITCHES.contains(name)) {
                values.put(name, "true");
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(command + ": option --" + name + " needs a value");
            }
            values.put(name, args[++i]);
        }
    }

    /** The command these options are for. */
    String command() {
        return command;
    }

    String get(String name, String dflt) {
        return values.getOrDefault(name, dflt);
    }

    String required(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException(command + ": option --" + name + " is required");
        }
        return v;
    }

    /** An integer option that must be at least {@code min}, checked before anything runs. */
    int intAtLeast(String name, int dflt, int min) {
        int v = intValue(name, dflt);
        if (v < min) {
            throw new IllegalArgumentException(command + ": --" + name + " must be >= " + min + ", got " + v);
        }
        return v;
    }

    int intValue(String name, int dflt) {
        String v = values.get(name);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be an integer, got '" + v + "'");
        }
    }

    double doubleValue(String name, double dflt) {
        String v = values.get(name);
        try {
            return v == null ? dflt : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(command + ": --" + name + " must be a number, got '" + v + "'");
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    static Set<String> names(String... n) {
        return Set.copyOf(List.of(n));
    }

    /** {@code more} and {@code n} together. */
    static Set<String> names(Set<String> more, String... n) {
        return names(more, Set.of(), n);
    }

    /** {@code more}, {@code andMore} and {@code n} together. */
    static Set<String> names(Set<String> more, Set<String> andMore, String... n) {
        Set<String> all = new java.util.HashSet<>(more);
        all.addAll(andMore);
        all.addAll(List.of(n));
        return Set.copyOf(all);
    }
}
