package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The examples' {@code echo-client}, always on Netty's epoll transport so the load side is the same for every
 * server. Ping-pong counts round trips; stream mode counts MB echoed (one operation = 1 MB).
 */
final class EchoClientLoad implements Load {
    /** Time the client JVM needs to start: left out of its CPU figure, with its warm-up. */
    private static final double CLIENT_STARTUP_SECONDS = 0.5;
    /** What echo-client prints when its warm-up ends and counting starts. */
    private static final Pattern MEASURING = Pattern.compile("^echo-client measuring");

    private final SuiteSettings settings;
    private final boolean stream;
    private final int connections;
    private final int messageSize;
    private final int readDelayMillis;

    private EchoClientLoad(SuiteSettings settings, boolean stream, int connections, int messageSize,
                           int readDelayMillis) {
        this.settings = settings;
        this.stream = stream;
        this.connections = connections;
        this.messageSize = messageSize;
        this.readDelayMillis = readDelayMillis;
    }

    static EchoClientLoad pingPong(SuiteSettings settings, int connections, int messageSize) {
        return new EchoClientLoad(settings, false, connections, messageSize, 0);
    }

    static EchoClientLoad slowReader(SuiteSettings settings, int chunkSize, int readDelayMillis) {
        return new EchoClientLoad(settings, true, 1, chunkSize, readDelayMillis);
    }

    @Override
    public String[] extraLabels() {
        return !stream && connections == 1 ? new String[] {"RTT p50 µs", "RTT p99 µs"} : new String[0];
    }

    @Override
    public LoadResult runFor(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        return run(server, List.of("--duration-seconds", Integer.toString(seconds)), settings.clientWarmupSeconds,
                seconds);
    }

    /**
     * {@code operations}: round trips in all, or MB for a stream; spread over the connections. No client
     * warm-up: every operation the server sees must be counted.
     */
    @Override
    public LoadResult runCounted(ServerUnderTest server, long operations) throws IOException, InterruptedException {
        long perConnection = stream ? operations * 1_000_000 / messageSize : operations / connections;
        return run(server, List.of("--messages", Long.toString(Math.max(1, perConnection))), 0, 120);
    }

    @Override
    public void warmUp(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        run(server, List.of("--duration-seconds", Integer.toString(seconds)), 0, seconds);
    }

    private LoadResult run(ServerUnderTest server, List<String> bound, int warmupSeconds, int expectedSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(settings.java("-Xms512m", "-Xmx512m"));
        command.addAll(List.of("-jar", settings.examplesJar.toString(), "echo-client", "--transport", "epoll",
                "--port", Integer.toString(server.port), "--mode", stream ? "stream" : "pingpong",
                "--connections", Integer.toString(connections), "--message-size", Integer.toString(messageSize)));
        if (stream) {
            command.addAll(List.of("--read-delay-millis", Integer.toString(readDelayMillis)));
        }
        command.addAll(bound);
        if (warmupSeconds > 0) {
            command.addAll(List.of("--warmup-seconds", Integer.toString(warmupSeconds)));
        }
        CpuWindow window = CpuWindow.open(server.pid());
        Child client = Child.start(SuiteSettings.LOAD_CORE, command);
        try (CpuSampler cpu = new CpuSampler(client.pid())) {
            if (warmupSeconds > 0) {
                client.awaitLine(MEASURING, Duration.ofSeconds(warmupSeconds + 30L));
                window = CpuWindow.open(server.pid());
            }
            int exit = client.awaitExit(Duration.ofSeconds(warmupSeconds + expectedSeconds + 60L));
            String line = client.lines().stream().filter(l -> l.startsWith("echo-client mode=")).findFirst()
                    .orElseThrow(() -> new IOException("echo-client printed no result:\n" + client.output()));
            KeyValues kv = KeyValues.parse(line);
            LoadResult result;
            if (stream) {
                result = new LoadResult(kv.number("bytes-echoed") / 1e6, kv.number("MB/s"), client.commandLine);
            } else {
                result = new LoadResult(kv.number("round-trips"), kv.number("round-trips/s"), client.commandLine);
                if (connections == 1) {
                    result.extras.put("RTT p50 µs", kv.number("rtt-p50-us"));
                    result.extras.put("RTT p99 µs", kv.number("rtt-p99-us"));
                }
            }
            window.close(result);
            result.loadCpuPercent = cpu.percent(CLIENT_STARTUP_SECONDS + warmupSeconds);
            result.problems = exit == 0 && "ok".equals(kv.text("result")) ? ""
                    : "echo-client exit " + exit + ": " + client.output();
            return result;
        }
    }
}
