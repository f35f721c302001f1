package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How long and how often to measure, where the jars are, where the report goes. The full suite follows the
 * issue (3 interleaved runs, 15 s warm-up per server start, 10,000 idle connections); {@code --quick} is a
 * smoke run that must end in under 5 minutes and whose numbers are not for comparison.
 */
final class SuiteSettings {
    /** The server under test runs alone on this core ... */
    static final int SERVER_CORE = 0;
    /** ... and every load generator (and the proxy's backend, and strace) on this one. */
    static final int LOAD_CORE = 1;
    static final List<String> TRANSPORTS = List.of("gonetpoll", "epoll", "io_uring", "nio");
    /** Every server under test gets the same fixed heap, so heap sizing is not part of the comparison. */
    static final List<String> SERVER_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g");

    final boolean quick;
    final int runs;
    final int warmupSeconds;
    final int measureSeconds;
    final int straceWarmupSeconds;
    /** A ping-pong client runs this long before it counts: its connections settle (and a JVM client's JIT). */
    final int clientWarmupSeconds;
    /**
     * A stream (d) streams this long before its GiB is counted: the server's code for big reads and writes
     * must be compiled when counting starts. The plan's shared warm-up was measured on it before b and c, and
     * a 1 GiB run lasts only 4-5 s: with 2 s, C2 still compiled in the window (visible in a profile), and CPU
     * per MB varied by a third between runs.
     */
    final int streamWarmupSeconds;
    final int idleConnections;
    final int idleWarmupSeconds;
    final int idleMeasureSeconds;
    /** Scenario h: an idle server's CPU is measured over this long, after this long to settle once it listens. */
    final int spinIdleSeconds;
    final int spinIdleSettleSeconds;
    final boolean strace;
    /** Scenario letters to run (a..m); all when empty. */
    final Set<String> only;
    /** The command line to print in the report, as the user typed it (run.sh passes it in). */
    final String command;
    final Path root;
    final Path examplesJar;
    final Path benchmarksJar;
    /** The C ping-pong load generator, built by the benchmarks module's Maven build. */
    final Path echoLoad;
    /** The C UDP load generator, built likewise. */
    final Path udpLoad;
    final Path outDir;
    /** Lua scripts and strace output; deleted at the end. */
    final Path scratch;
    private final String javaBinary;

    private SuiteSettings(boolean quick, List<String> args) throws IOException {
        this.quick = quick;
        runs = intOption(args, "--runs", quick ? 1 : 3);
        warmupSeconds = intOption(args, "--warmup-seconds", quick ? 2 : 15);
        measureSeconds = intOption(args, "--measure-seconds", quick ? 2 : 10);
        straceWarmupSeconds = quick ? 1 : 5;
        clientWarmupSeconds = quick ? 1 : 2;
        streamWarmupSeconds = quick ? 1 : 6;
        idleConnections = intOption(args, "--idle-connections", quick ? 1_000 : 10_000);
        idleWarmupSeconds = quick ? 1 : 15;
        idleMeasureSeconds = quick ? 3 : 20;
        spinIdleSeconds = intOption(args, "--spin-idle-seconds", quick ? 2 : 10);
        spinIdleSettleSeconds = quick ? 1 : 3;
        strace = !args.contains("--no-strace");
        String onlyValue = option(args, "--only", "");
        only = onlyValue.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(onlyValue.split(",")));
        command = option(args, "--command", "java -jar benchmarks/target/gonetpoll-benchmarks.jar suite "
                + String.join(" ", args));
        root = Path.of(option(args, "--root", ".")).toAbsolutePath().normalize();
        examplesJar = root.resolve("examples/target/gonetpoll-examples.jar");
        benchmarksJar = root.resolve("benchmarks/target/gonetpoll-benchmarks.jar");
        echoLoad = root.resolve("benchmarks/target/echo-load");
        udpLoad = root.resolve("benchmarks/target/udp-load");
        outDir = root.resolve(option(args, "--out", "docs/benchmarks"));
        scratch = Files.createTempDirectory("gonetpoll-suite");
        javaBinary = ProcessHandle.current().info().command().orElse("java");
        for (Path jar : List.of(examplesJar, benchmarksJar, echoLoad, udpLoad)) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException(jar + " is missing: build with mvn -B -q -DskipTests install");
            }
        }
    }

    /** Options that take a value, and flags; anything else is refused, see {@link #parse}. */
    private static final Set<String> VALUED = Set.of("--runs", "--warmup-seconds", "--measure-seconds",
            "--idle-connections", "--spin-idle-seconds", "--only", "--command", "--root", "--out");
    private static final Set<String> FLAGS = Set.of("--quick", "--no-strace");
    /** The scenario letters {@code --only} accepts. */
    private static final String LETTERS = "abcdefghijklm";

    /**
     * Refuses an option it does not know and an unknown {@code --only} letter: either would otherwise be ignored,
     * and a misspelt option (or {@code --help}) would start the whole suite, hours on a shared machine.
     */
    static SuiteSettings parse(String[] args) throws IOException {
        List<String> list = Arrays.asList(args);
        for (int i = 0; i < list.size(); i++) {
            String arg = list.get(i);
            if (VALUED.contains(arg)) {
                i++;
            } else if (!FLAGS.contains(arg)) {
                throw new IllegalArgumentException("unknown option '" + arg + "'; the options: run.sh --help");
            }
        }
        String only = option(list, "--only", null);
        for (String letter : only == null ? new String[0] : only.split(",", -1)) {
            if (letter.length() != 1 || LETTERS.indexOf(letter.charAt(0)) < 0) {
                throw new IllegalArgumentException("--only takes scenario letters a to m, comma-separated, not '"
                        + letter + "'");
            }
        }
        return new SuiteSettings(list.contains("--quick"), list);
    }

    /** The java that runs the suite, with {@code options}: servers and clients run on the same JDK. */
    List<String> java(String... options) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary);
        command.addAll(Arrays.asList(options));
        return command;
    }

    boolean includes(String letter) {
        return only.isEmpty() || only.contains(letter);
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        if (i < 0) {
            return fallback;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args.get(i + 1);
    }

    private static int intOption(List<String> args, String name, int fallback) {
        String value = option(args, name, null);
        if (value == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not a number: " + value);
        }
    }
}
