package org.sparkdl.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts JVMs (spark-submit, a standalone Master and Workers, a Spark Connect server, scripts) with their output in log
 * files, and stops every one of them — and their children, such as executors — by PID in
 * {@link #close()}, also when a test fails. Add a new stage's end-to-end run by calling
 * {@link #sparkSubmit} with its CLI arguments.
 */
public final class Processes implements AutoCloseable {
    public static final Path SPARK_HOME = Path.of(System.getProperty("sparkdl.sparkHome", "target/spark-home"));
    public static final Path ASSEMBLY = Path.of(System.getProperty(
            "sparkdl.assembly", "../assembly/target/spark-dl-assembly-0.1.0-SNAPSHOT-spark4.2_2.13.jar"));
    /** The Scala of the Spark under test (the build's target): the launcher looks for its jars by it. */
    static final String SCALA_BINARY_VERSION = System.getProperty("sparkdl.scalaBinaryVersion", "2.13");

    private static final List<String> JVM_FLAGS =
            Arrays.asList(System.getProperty("sparkdl.jvmFlags", "").trim().split("\\s+"));

    private final Path logs;
    private final List<Process> started = new ArrayList<>();

    public Processes(Path logs) throws IOException {
        this.logs = Files.createDirectories(logs);
    }

    /** A started JVM and its log file. */
    public record Jvm(String name, Process process, Path log) {
        public long pid() {
            return process.pid();
        }

        public String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        /** Waits until the log matches {@code regex}; returns the match. Fails if the JVM exits first. */
        public Matcher await(String regex, Duration timeout) throws IOException, InterruptedException {
            Pattern p = Pattern.compile(regex);
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                Matcher m = p.matcher(output());
                if (m.find()) {
                    return m;
                }
                if (!process.isAlive()) {
                    m = p.matcher(output());
                    if (m.find()) {
                        return m;
                    }
                    throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing /" + regex
                            + "/; its log:\n" + tail());
                }
                Thread.sleep(200);
            }
            throw new AssertionError(
                    name + " did not print /" + regex + "/ within " + timeout + "; its log:\n" + tail());
        }

        /** Waits for the exit code. */
        public int exit(Duration timeout) throws InterruptedException, IOException {
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "; its log:\n" + tail());
            }
            return process.exitValue();
        }

        public String tail() throws IOException {
            String s = output();
            return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
        }

        /** The last line of standard output that is a JSON object. */
        public String jsonLine() throws IOException {
            List<String> lines = output().lines()
                    .filter(l -> l.startsWith("{") && l.endsWith("}"))
                    .toList();
            if (lines.isEmpty()) {
                throw new AssertionError(name + " printed no JSON line; its log (" + log + "):\n" + tail());
            }
            return lines.get(lines.size() - 1);
        }
    }

    /** Starts {@code java <flags> -cp <classpath> <main> <args>} with {@code env} added. */
    public Jvm java(
            String name, String classpath, Map<String, String> env, List<String> jvmArgs, String main, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(JVM_FLAGS.stream().filter(s -> !s.isBlank()).toList());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(main);
        cmd.addAll(List.of(args));
        Path log = logs.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", SPARK_HOME.toAbsolutePath().toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().put("SPARK_SCALA_VERSION", SCALA_BINARY_VERSION);
        pb.environment().putAll(env);
        Process p = pb.start();
        started.add(p);
        return new Jvm(name, p, log);
    }

    /** Spark's jars, for a JVM that runs Spark itself. */
    public static String sparkClasspath() {
        return SPARK_HOME.resolve("jars").toAbsolutePath() + File.separator + "*";
    }

    /** {@code spark-submit --master <master> --class SparkDl <assembly> <args>} in client mode. */
    public Jvm sparkSubmit(String name, String master, String... cliArgs) throws IOException {
        return sparkSubmit(name, master, "org.sparkdl.spark.cli.SparkDl", List.of(), cliArgs);
    }

    /** {@code bin/spark-dl}'s command line through spark-submit, with Spark properties {@code confs} set. */
    public Jvm sparkSubmit(String name, String master, Map<String, String> confs, String... cliArgs)
            throws IOException {
        return submit(name, master, "org.sparkdl.spark.cli.SparkDl", List.of(), confs, List.of(), cliArgs);
    }

    /**
     * {@code spark-submit --master <master> --class <mainClass> --jars <jars> <assembly> <args>}
     * in client mode: another main class, e.g. one of these tests' own (see {@link #jar}), on the
     * driver and the executors with the assembly.
     */
    public Jvm sparkSubmit(String name, String master, String mainClass, List<Path> jars, String... mainArgs)
            throws IOException {
        return submit(name, master, mainClass, jars, Map.of(), List.of(), mainArgs);
    }

    /**
     * Spark's Connect server as {@code sbin/start-connect-server.sh} runs it ({@code spark-submit
     * --class SparkConnectServer}), with the assembly as the application jar, so that the server's
     * ML {@code ServiceLoader} finds this project's stages; on local[2], listening on
     * {@code 127.0.0.1:port} only. The server's ML cache offloads models under {@code tmp}, its
     * {@code java.io.tmpdir}. Needs Spark's {@code spark-connect} jar in {@link #SPARK_HOME}, as a
     * Spark distribution has it.
     */
    public Jvm connectServer(String name, int port, Path tmp) throws IOException {
        return submit(
                name,
                "local[2]",
                "org.apache.spark.sql.connect.service.SparkConnectServer",
                List.of(),
                Map.of(
                        "spark.connect.grpc.binding.address",
                        "127.0.0.1",
                        "spark.connect.grpc.binding.port",
                        Integer.toString(port)),
                List.of("-Djava.io.tmpdir=" + tmp.toAbsolutePath()));
    }

    private Jvm submit(
            String name,
            String master,
            String mainClass,
            List<Path> jars,
            Map<String, String> confs,
            List<String> jvmArgs,
            String... mainArgs)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--master",
                master,
                "--deploy-mode",
                "client",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.task.maxDirectResultSize=64m",
                "--driver-memory",
                "1500m",
                "--executor-memory",
                "1g",
                "--class",
                mainClass));
        confs.forEach((key, value) -> {
            args.add("--conf");
            args.add(key + "=" + value);
        });
        if (!jars.isEmpty()) {
            args.add("--jars");
            args.add(String.join(
                    ",", jars.stream().map(j -> j.toAbsolutePath().toString()).toList()));
        }
        args.add(ASSEMBLY.toAbsolutePath().toString());
        args.addAll(List.of(mainArgs));
        // The driver runs in this JVM (client mode): its heap and system properties are set here.
        List<String> driverJvm = new ArrayList<>(List.of("-Xmx1500m"));
        driverJvm.addAll(jvmArgs);
        return java(
                name,
                sparkClasspath(),
                Map.of(),
                driverJvm,
                "org.apache.spark.deploy.SparkSubmit",
                args.toArray(String[]::new));
    }

    /**
     * A jar at {@code jar} of the compiled classes of {@code mains} and their nested and anonymous
     * classes (from this JVM's class path, e.g. {@code target/test-classes}), to submit with
     * {@link #sparkSubmit(String, String, String, List, String...)}.
     */
    public static Path jar(Path jar, Class<?>... mains) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Class<?> main : mains) {
                Path file;
                try {
                    file = Path.of(main.getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI())
                            .resolve(main.getName().replace('.', '/') + ".class");
                } catch (java.net.URISyntaxException e) {
                    throw new IOException(e);
                }
                String prefix = main.getSimpleName();
                String dir = main.getPackageName().replace('.', '/') + "/";
                try (Stream<Path> siblings = Files.list(file.getParent())) {
                    for (Path f : siblings.sorted().toList()) {
                        String n = f.getFileName().toString();
                        if (n.equals(prefix + ".class") || n.startsWith(prefix + "$")) {
                            out.putNextEntry(new JarEntry(dir + n));
                            Files.copy(f, out);
                            out.closeEntry();
                        }
                    }
                }
            }
        }
        return jar;
    }

    /** Fails, saying how to make it, unless the assembly these tests submit has been built. */
    public static void requireAssembly() {
        if (!Files.isRegularFile(ASSEMBLY)) {
            throw new AssertionError("build the assembly first: " + ASSEMBLY);
        }
    }

    /** A standalone Master and {@code workers} Workers (one core each) on loopback. */
    public String standaloneCluster(int workers) throws IOException, InterruptedException {
        int port = freePort();
        String url = "spark://127.0.0.1:" + port;
        Jvm master = java(
                "master",
                sparkClasspath(),
                Map.of(),
                List.of("-Xmx512m"),
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--webui-port",
                Integer.toString(freePort()));
        master.await("Starting Spark master at|I have been elected leader", Duration.ofSeconds(60));
        for (int i = 0; i < workers; i++) {
            Jvm w = java(
                    "worker-" + i,
                    sparkClasspath(),
                    Map.of(),
                    List.of("-Xmx512m"),
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    "1",
                    "--memory",
                    "1500m",
                    "--webui-port",
                    Integer.toString(freePort()),
                    url);
            w.await("Successfully registered with master", Duration.ofSeconds(60));
        }
        return url;
    }

    /** Executor JVMs (children of the workers) now running. */
    public List<ProcessHandle> executors() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .filter(h -> started.stream()
                        .anyMatch(p -> h.parent().map(pp -> pp.pid() == p.pid()).orElse(false)))
                .toList();
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Kills every started JVM and its descendants (executors), by PID. */
    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            try {
                p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
