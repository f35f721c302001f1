package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Echo load, the same whatever transport the server uses. Ping-pong runs {@code benchmarks/target/echo-load} (C,
 * one epoll thread: the Java echo-client took its whole core at 64 connections, where the server did not) and
 * counts round trips, over TCP or a Unix-domain socket; with pipelined HTTP requests instead of echo messages it
 * loads the http example on a Unix-domain socket, which wrk cannot reach. Stream mode runs the examples'
 * {@code echo-client} on Netty's epoll, which sets its small SO_RCVBUF before connecting, and counts MB echoed (one
 * operation = 1 MB); there the reader's window, not the client's CPU, sets the pace.
 */
final class EchoClientLoad implements Load {
    /** Time the client JVM needs to start: left out of its CPU figure, with its warm-up. */
    private static final double CLIENT_STARTUP_SECONDS = 0.5;
    /** Connections a measured stream runs in turn, each streaming the whole amount. */
    static final int STREAM_ROUNDS = 3;
    /** What echo-client and echo-load print when their warm-up ends and counting starts. */
    private static final Pattern MEASURING = Pattern.compile("^echo-(client|load) measuring");
    static final String RTT_P50 = "RTT p50 µs";
    static final String RTT_P99 = "RTT p99 µs";
    static final String RTT_P999 = "RTT p99.9 µs";

    private final SuiteSettings settings;
    private final boolean stream;
    private final int connections;
    private final int messageSize;
    /** Stream mode: the client's SO_RCVBUF (0: the kernel's) and how many MB one measured run streams. */
    private final int receiveBuffer;
    private final long streamMegabytes;
    /** Ping-pong: report RTT p50, p99 and p99.9 whatever the number of connections. */
    private final boolean latencies;
    /**
     * HTTP instead of echo: echo-load sends this many pipelined requests per round trip to the http example (which
     * wrk cannot reach on a Unix-domain socket); one operation is a request. 0 for the echo.
     */
    private final int httpDepth;
    /** Paced ping-pong: the next message due {@code intervalMicros} after the previous one was; 0: closed loop. */
    private int intervalMicros;

    private EchoClientLoad(SuiteSettings settings, boolean stream, int connections, int messageSize,
                           int receiveBuffer, long streamMegabytes, boolean latencies, int httpDepth) {
        this.settings = settings;
        this.stream = stream;
        this.connections = connections;
        this.messageSize = messageSize;
        this.receiveBuffer = receiveBuffer;
        this.streamMegabytes = streamMegabytes;
        this.latencies = latencies;
        this.httpDepth = httpDepth;
    }

    /** Ping-pong; RTT p50 and p99 with one connection. */
    static EchoClientLoad pingPong(SuiteSettings settings, int connections, int messageSize) {
        return new EchoClientLoad(settings, false, connections, messageSize, 0, 0, false, 0);
    }

    /** Ping-pong with RTT p50, p99 and p99.9 (scenario h). */
    static EchoClientLoad pingPongLatencies(SuiteSettings settings, int connections, int messageSize) {
        return new EchoClientLoad(settings, false, connections, messageSize, 0, 0, true, 0);
    }

    /**
     * Paced ping-pong with RTT p50, p99 and p99.9 (scenario h): each connection's next message is due
     * {@code 1e6 / ratePerConnection} µs after the previous one was (echo-load's {@code --interval-micros}), a
     * fixed, moderate load instead of as fast as the server answers.
     */
    static EchoClientLoad pacedPingPong(SuiteSettings settings, int connections, int messageSize,
                                       int ratePerConnection) {
        EchoClientLoad load = pingPongLatencies(settings, connections, messageSize);
        load.intervalMicros = 1_000_000 / ratePerConnection;
        return load;
    }

    /** {@code connections} connections, each with {@code depth} pipelined requests in flight at a time. */
    static EchoClientLoad httpPipeline(SuiteSettings settings, int connections, int depth) {
        return new EchoClientLoad(settings, false, connections, 64, 0, 0, false, depth);
    }

    /**
     * One connection streams {@code megabytes} MiB in {@code chunkSize} writes through the echo server and
     * reads the echo with an SO_RCVBUF of {@code receiveBuffer} bytes, as fast as it can.
     */
    static EchoClientLoad slowReader(SuiteSettings settings, int chunkSize, int receiveBuffer, long megabytes) {
        return new EchoClientLoad(settings, true, 1, chunkSize, receiveBuffer, megabytes, false, 0);
    }

    @Override
    public String[] extraLabels() {
        if (stream || httpDepth > 0) {
            return new String[0];
        }
        if (latencies) {
            return new String[] {RTT_P50, RTT_P99, RTT_P999};
        }
        return connections == 1 ? new String[] {RTT_P50, RTT_P99} : new String[0];
    }

    /**
     * A stream runs a fixed amount (the 1 GiB), not {@code seconds}: the reader sets the pace. It does so
     * on {@link #STREAM_ROUNDS} connections in turn and reports the sum, since one connection's rate varies by a
     * third from the next (300-550 MB/s on one warm server, any transport).
     */
    @Override
    public LoadResult runFor(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        if (stream) {
            return run(server, List.of("--messages", Long.toString(chunks(streamMegabytes << 20)),
                    "--rounds", Integer.toString(STREAM_ROUNDS)), settings.streamWarmupSeconds, 180);
        }
        return run(server, List.of("--duration-seconds", Integer.toString(seconds)), settings.clientWarmupSeconds,
                seconds);
    }

    private long chunks(long bytes) {
        return Math.max(1, bytes / messageSize);
    }

    /**
     * {@code operations}: round trips in all (HTTP: requests), or MB for a stream; spread over the connections. No
     * client warm-up: every operation the server sees must be counted.
     */
    @Override
    public LoadResult runCounted(ServerUnderTest server, long operations) throws IOException, InterruptedException {
        long perConnection = stream ? chunks(operations * 1_000_000)
                : operations / connections / Math.max(1, httpDepth);
        return run(server, List.of("--messages", Long.toString(Math.max(1, perConnection))), 0, 120);
    }

    @Override
    public void warmUp(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        run(server, List.of("--duration-seconds", Integer.toString(seconds)), 0, seconds);
    }

    private LoadResult run(ServerUnderTest server, List<String> bound, int warmupSeconds, int expectedSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (stream) {
            command.addAll(settings.java("-Xms512m", "-Xmx512m"));
            command.addAll(List.of("-jar", settings.examplesJar.toString(), "echo-client", "--transport", "epoll",
                    "--mode", "stream"));
            if (receiveBuffer > 0) {
                command.addAll(List.of("--receive-buffer", Integer.toString(receiveBuffer)));
            }
        } else {
            command.add(settings.echoLoad.toString());
        }
        command.addAll(server.addressArgs());
        command.addAll(List.of("--connections", Integer.toString(connections),
                "--message-size", Integer.toString(messageSize)));
        if (httpDepth > 0) {
            command.addAll(List.of("--http-pipeline", Integer.toString(httpDepth)));
        }
        if (intervalMicros > 0) {
            command.addAll(List.of("--interval-micros", Integer.toString(intervalMicros)));
        }
        command.addAll(bound);
        if (warmupSeconds > 0) {
            command.addAll(List.of("--warmup-seconds", Integer.toString(warmupSeconds)));
        }
        String resultPrefix = stream ? "echo-client mode=" : "echo-load mode=";
        CpuWindow window = CpuWindow.open(server.pid());
        Child client = Child.start(SuiteSettings.LOAD_CORE, command);
        try (CpuSampler cpu = new CpuSampler(client.pid())) {
            if (warmupSeconds > 0) {
                client.awaitLine(MEASURING, Duration.ofSeconds(warmupSeconds + 30L));
                window = CpuWindow.open(server.pid());
            }
            int exit = client.awaitExit(Duration.ofSeconds(warmupSeconds + expectedSeconds + 60L));
            String line = client.lines().stream().filter(l -> l.startsWith(resultPrefix)).findFirst()
                    .orElseThrow(() -> new IOException("no '" + resultPrefix + "' line:\n" + client.output()));
            KeyValues kv = KeyValues.parse(line);
            LoadResult result;
            if (stream) {
                result = new LoadResult(kv.number("bytes-echoed") / 1e6, kv.number("MB/s"), client.commandLine);
            } else if (httpDepth > 0) {
                result = new LoadResult(kv.number("requests"), kv.number("requests/s"), client.commandLine);
            } else {
                result = new LoadResult(kv.number("round-trips"), kv.number("round-trips/s"), client.commandLine);
                if (connections == 1 || latencies) {
                    result.extras.put(RTT_P50, kv.number("rtt-p50-us"));
                    result.extras.put(RTT_P99, kv.number("rtt-p99-us"));
                }
                if (latencies) {
                    result.extras.put(RTT_P999, kv.number("rtt-p999-us"));
                }
            }
            window.close(result);
            result.loadCpuPercent = cpu.percent((stream ? CLIENT_STARTUP_SECONDS : 0) + warmupSeconds);
            result.problems = exit == 0 && "ok".equals(kv.text("result")) ? ""
                    : client.commandLine + " exit " + exit + ": " + client.output();
            return result;
        }
    }
}
