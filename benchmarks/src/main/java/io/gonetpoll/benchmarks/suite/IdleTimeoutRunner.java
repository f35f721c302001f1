package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario g with the benchmarks module's own {@code idle-server} and {@code idle-load} (unchanged): N
 * connections each sending 16 bytes about once a second, every connection with a 10 s read timeout, done three
 * ways. Interleaved with the order rotated per run (A B C, B C A, C A B), as {@link InterleavedRunner} does: in
 * the fixed order of the suite run of 2026-12-02 05:36 GoNetpoll's variant, always first, had the highest and
 * the lowest CPU per message of all nine runs. The load measures the server's CPU itself.
 */
final class IdleTimeoutRunner {
    static final List<String> VARIANTS = List.of(
            "gonetpoll-read-timeout-millis", "epoll-read-timeout-handler", "epoll-idle-state-handler");
    private static final int TIMEOUT_MILLIS = 10_000;
    private static final Pattern LISTENING = Pattern.compile("^listening port=(\\d+)");
    private static final Pattern HEAP = Pattern.compile("^heap phase=(open|closed) .*usedBytes=(\\d+)");
    private static final Pattern STATS = Pattern.compile("^stats messages=(\\d+)");
    private static final Pattern ARMS = Pattern.compile("deadlineTimerArms=(\\d+)");
    private static final Pattern CANCELS = Pattern.compile("deadlineTimerCancels=(\\d+)");

    private final SuiteSettings settings;
    private final Results results;

    IdleTimeoutRunner(SuiteSettings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    void run() throws InterruptedException {
        for (int run = 1; run <= settings.runs; run++) {
            for (String variant : InterleavedRunner.rotated(VARIANTS, run - 1)) {
                try {
                    IdleSample sample = measure(variant, run);
                    results.idle.add(sample);
                    Log.info(String.format("run %d g-idle %-30s %.2f µs/msg  %.0f B/conn  wheel %.3f/msg  load-gen "
                                    + "cpu %.0f%%%s", run, variant, sample.serverCpuMicrosPerMessage,
                            sample.heapBytesPerConnection, sample.wheelOperationsPerMessage, sample.loadCpuPercent,
                            sample.problems.isEmpty() ? "" : "  " + sample.problems));
                } catch (IOException | RuntimeException e) {
                    String failure = "run " + run + " g " + variant + ": " + e.getMessage();
                    results.failures.add(failure);
                    Log.info("FAILED " + failure);
                }
            }
        }
    }

    private IdleSample measure(String variant, int run) throws IOException, InterruptedException {
        String jar = settings.benchmarksJar.toString();
        // Serial GC, as benchmarks/scripts/idle-timeouts.sh runs it: its after-GC report of the heap is exact.
        List<String> serverCommand = settings.java(SuiteSettings.SERVER_JVM_OPTIONS.toArray(new String[0]));
        serverCommand.add("-XX:+UseSerialGC");
        serverCommand.addAll(List.of("-jar", jar, "idle-server", "--variant", variant,
                "--timeout-millis", Integer.toString(TIMEOUT_MILLIS),
                "--connections", Integer.toString(settings.idleConnections)));
        Child server = Child.start(SuiteSettings.SERVER_CORE, serverCommand);
        try {
            String port = server.awaitLine(LISTENING, Duration.ofSeconds(30));
            List<String> loadCommand = settings.java();
            loadCommand.addAll(List.of("-jar", jar, "idle-load", "--port", port,
                    "--connections", Integer.toString(settings.idleConnections),
                    "--server-pid", Long.toString(server.pid()),
                    "--warmup-seconds", Integer.toString(settings.idleWarmupSeconds),
                    "--seconds", Integer.toString(settings.idleMeasureSeconds),
                    "--clk-tck", Integer.toString(ProcStat.CLOCK_TICKS)));
            Child load = Child.start(SuiteSettings.LOAD_CORE, loadCommand);
            results.command("server g", server.commandLine);
            results.command("load g", load.commandLine);
            int exit = load.awaitExit(Duration.ofSeconds(
                    settings.idleWarmupSeconds + settings.idleMeasureSeconds + 120L));
            KeyValues result = KeyValues.parse(load.lines().stream().filter(l -> l.startsWith("result "))
                    .findFirst().orElseThrow(() -> new IOException("idle-load printed no result (exit " + exit
                            + "):\n" + load.output())));
            // The server prints the heap once everything is closed (after full GCs), then its counters at exit.
            server.awaitLine(Pattern.compile("^heap phase=closed"), Duration.ofSeconds(30));
            server.stop();
            return sample(variant, run, result, server.lines(), exit);
        } finally {
            server.stop();
        }
    }

    private IdleSample sample(String variant, int run, KeyValues result, List<String> serverLines, int exit) {
        double open = Double.NaN;
        double closed = Double.NaN;
        double messages = Double.NaN;
        double wheel = Double.NaN;
        for (String line : serverLines) {
            Matcher m;
            if ((m = HEAP.matcher(line)).find()) {
                if (m.group(1).equals("open")) {
                    open = Double.parseDouble(m.group(2));
                } else {
                    closed = Double.parseDouble(m.group(2));
                }
            } else if ((m = STATS.matcher(line)).find()) {
                messages = Double.parseDouble(m.group(1));
                Matcher arms = ARMS.matcher(line);
                Matcher cancels = CANCELS.matcher(line);
                if (arms.find() && cancels.find()) {
                    wheel = (Double.parseDouble(arms.group(1)) + Double.parseDouble(cancels.group(1))) / messages;
                }
            }
        }
        double notEchoed = result.numberOr("notEchoed", 0);
        double closedByServer = result.numberOr("closedByServer", 0);
        String problems = (exit != 0 ? "idle-load exit " + exit + " " : "")
                + (notEchoed != 0 ? "notEchoed=" + (long) notEchoed + " " : "")
                + (closedByServer != 0 ? "closedByServer=" + (long) closedByServer : "");
        return new IdleSample(variant, run, result.number("messagesPerSecond"), result.number("serverCpuUsPerMessage"),
                result.number("serverCpuPercent"), result.number("loadCpuPercent"),
                (open - closed) / settings.idleConnections, wheel, problems.trim());
    }
}
