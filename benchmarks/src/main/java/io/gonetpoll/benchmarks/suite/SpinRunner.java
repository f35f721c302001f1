package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Scenario h (issue 18): how a server's loop waits, side by side. Each variant is the examples' {@code echo-server}
 * on one transport with one wait strategy: GoNetpoll as it is, GoNetpoll spinning before it parks
 * ({@code --spin-micros}, three budgets), epoll, epoll busy-waiting ({@code --busy-wait}, Netty's
 * {@code SelectStrategy.BUSY_WAIT}), io_uring and NIO. On each start of a variant's server:
 * <ol>
 *   <li>warm-up: ping-pong with 1 and with 64 connections, {@link SuiteSettings#warmupSeconds} shared;</li>
 *   <li>measured: ping-pong with 1 connection, then with 64 ({@code echo-load}, 64-byte messages), each
 *   {@link SuiteSettings#measureSeconds}: round trips/s, RTT p50/p99/p99.9 and the server's CPU per round trip;
 *   then paced: 1 connection at {@link #PACED_RATE} round trips/s (a message due every 200 µs, or at once when a
 *   reply comes later than that), where the rate is fixed and the server's CPU per round trip shows what each way
 *   of waiting costs at a moderate load;</li>
 *   <li>idle: every connection closed, a settling pause, then the server's CPU over
 *   {@link SuiteSettings#spinIdleSeconds} with no load: what a spinning or busy-waiting loop costs when nobody
 *   is there. After the load, not before it: Netty starts a loop's thread at its first registration, so before
 *   any connection the worker loop does not run at all, and a busy-waiting server would look free.</li>
 * </ol>
 * Interleaved like the other scenarios: every run starts every variant's server afresh, the order rotated by
 * one per run.
 */
final class SpinRunner {
    static final String PING_PONG_1 = "pingpong1";
    static final String PING_PONG_64 = "pingpong64";
    /** Ping-pong with 1 connection at a fixed {@link #PACED_RATE}: moderate load, where spinning must cost little. */
    static final String PACED_1 = "paced1";
    static final int PACED_RATE = 5000;
    static final String IDLE = "idle";
    private static final int MESSAGE_BYTES = 64;

    /** One server configuration: a transport and the server options that set its wait strategy. */
    static final class Variant {
        final String name;
        final String transport;
        final List<String> serverOptions;

        Variant(String name, String transport, List<String> serverOptions) {
            this.name = name;
            this.transport = transport;
            this.serverOptions = serverOptions;
        }
    }

    static final List<Variant> VARIANTS = List.of(
            new Variant("gonetpoll", "gonetpoll", List.of()),
            new Variant("gonetpoll-spin50", "gonetpoll", List.of("--spin-micros", "50")),
            new Variant("gonetpoll-spin100", "gonetpoll", List.of("--spin-micros", "100")),
            new Variant("gonetpoll-spin500", "gonetpoll", List.of("--spin-micros", "500")),
            new Variant("epoll", "epoll", List.of()),
            new Variant("epoll-busy-wait", "epoll", List.of("--busy-wait")),
            new Variant("io_uring", "io_uring", List.of()),
            new Variant("nio", "nio", List.of()));

    private final SuiteSettings settings;
    private final Results results;

    SpinRunner(SuiteSettings settings, Results results) {
        this.settings = settings;
        this.results = results;
    }

    static List<String> names() {
        return VARIANTS.stream().map(v -> v.name).collect(Collectors.toList());
    }

    void run() throws InterruptedException {
        for (int run = 1; run <= settings.runs; run++) {
            for (String name : InterleavedRunner.rotated(names(), run - 1)) {
                Variant variant = VARIANTS.stream().filter(v -> v.name.equals(name)).findFirst().orElseThrow();
                try {
                    measure(variant, run);
                } catch (IOException | RuntimeException e) {
                    String failure = "run " + run + " h " + variant.name + ": " + e.getMessage();
                    results.failures.add(failure);
                    Log.info("FAILED " + failure);
                }
            }
        }
    }

    private void measure(Variant variant, int run) throws IOException, InterruptedException {
        ServerPlan plan = new ServerPlan("echo-server", "h-" + variant.name, List.of(), ServerPlan.Address.PORT,
                transport -> variant.serverOptions);
        try (ServerUnderTest server = ServerUnderTest.start(settings, plan, variant.transport)) {
            results.command("server h " + variant.name, server.server.commandLine);
            EchoClientLoad one = EchoClientLoad.pingPongLatencies(settings, 1, MESSAGE_BYTES);
            EchoClientLoad many = EchoClientLoad.pingPongLatencies(settings, 64, MESSAGE_BYTES);
            int share = Math.max(1, (settings.warmupSeconds + 1) / 2);
            one.warmUp(server, share);
            many.warmUp(server, share);
            add(pingPong(one, server, variant, run, PING_PONG_1));
            add(pingPong(many, server, variant, run, PING_PONG_64));
            add(pingPong(EchoClientLoad.pacedPingPong(settings, 1, MESSAGE_BYTES, PACED_RATE), server, variant, run,
                    PACED_1));
            add(idle(server, variant, run));
        }
    }

    private SpinSample idle(ServerUnderTest server, Variant variant, int run) throws IOException, InterruptedException {
        Thread.sleep(settings.spinIdleSettleSeconds * 1000L);
        CpuWindow window = CpuWindow.open(server.pid());
        Thread.sleep(settings.spinIdleSeconds * 1000L);
        LoadResult idle = new LoadResult(0, 0, "(no load)");
        window.close(idle);
        return new SpinSample(variant.name, run, IDLE, Double.NaN, Double.NaN, idle.serverCpuPercent, Double.NaN,
                Math.max(0, idle.machineBusyPercent - idle.serverCpuPercent), Double.NaN, Double.NaN, Double.NaN, "");
    }

    private SpinSample pingPong(EchoClientLoad load, ServerUnderTest server, Variant variant, int run, String measure)
            throws IOException, InterruptedException {
        LoadResult r = load.runFor(server, settings.measureSeconds);
        results.command("load h " + measure, r.commandLine);
        double cpuPerRoundTrip = r.operations > 0 ? r.serverCpuSeconds * 1e6 / r.operations : Double.NaN;
        return new SpinSample(variant.name, run, measure, r.rate, cpuPerRoundTrip, r.serverCpuPercent,
                r.loadCpuPercent, r.otherCpuPercent(), extra(r, EchoClientLoad.RTT_P50),
                extra(r, EchoClientLoad.RTT_P99), extra(r, EchoClientLoad.RTT_P999), r.problems);
    }

    private static double extra(LoadResult r, String label) {
        return r.extras.getOrDefault(label, Double.NaN);
    }

    private void add(SpinSample s) {
        results.spin.add(s);
        if (s.measure.equals(IDLE)) {
            Log.info(String.format("run %d h-idle       %-18s server %.1f%% of a core with no load", s.run, s.variant,
                    s.serverCpuPercent));
        } else {
            Log.info(String.format("run %d h-%-10s %-18s %,10.0f rt/s  p50 %.0f p99 %.0f p99.9 %.0f µs  server %.2f "
                            + "µs/rt %.0f%%  load-gen %.0f%%%s", s.run, s.measure, s.variant, s.rate, s.rttP50Micros,
                    s.rttP99Micros, s.rttP999Micros, s.serverCpuMicrosPerRoundTrip, s.serverCpuPercent,
                    s.loadCpuPercent, s.problems.isEmpty() ? "" : "  " + s.problems));
        }
    }

    /** This scenario's samples of one measure, by variant name. */
    static List<SpinSample> of(Results results, String measure, String variant) {
        return results.spin.stream().filter(s -> s.measure.equals(measure) && s.variant.equals(variant))
                .collect(Collectors.toList());
    }
}
