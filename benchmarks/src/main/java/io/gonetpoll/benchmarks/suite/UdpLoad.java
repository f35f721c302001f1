package io.gonetpoll.benchmarks.suite;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * UDP load from {@code benchmarks/target/udp-load} (C, one thread), the same whatever transport the server uses.
 * Request/response: senders each with one datagram in flight against {@code udp-echo-server}; one operation is a
 * round trip. One way: datagrams as fast as one core sends them to {@code udp-echo-server --mode sink}; one
 * operation is a datagram the sink received (it counts them; what it could not keep up with is lost, and the
 * report shows the loss beside the rate).
 */
final class UdpLoad implements Load {
    private static final Pattern MEASURING = Pattern.compile("^udp-load measuring");
    private static final String RESULT_PREFIX = "udp-load mode=";

    private final SuiteSettings settings;
    private final boolean oneWay;
    private final int senders;
    private final int messageSize;
    /** One way: datagrams per send (UDP GSO, else sendmmsg); 0 for one send() per datagram. */
    private final int gso;

    private UdpLoad(SuiteSettings settings, boolean oneWay, int senders, int messageSize, int gso) {
        this.settings = settings;
        this.oneWay = oneWay;
        this.senders = senders;
        this.messageSize = messageSize;
        this.gso = gso;
    }

    static UdpLoad requestResponse(SuiteSettings settings, int senders, int messageSize) {
        return new UdpLoad(settings, false, senders, messageSize, 0);
    }

    static UdpLoad oneWay(SuiteSettings settings, int messageSize, int gso) {
        return new UdpLoad(settings, true, 1, messageSize, gso);
    }

    @Override
    public String[] extraLabels() {
        return oneWay ? new String[] {"sent/s", "lost %"} : new String[] {"RTT p99 µs", "lost"};
    }

    @Override
    public LoadResult runFor(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        return run(server, List.of("--duration-seconds", Integer.toString(seconds)), settings.clientWarmupSeconds,
                seconds);
    }

    /** Round trips in all (spread over the senders), or datagrams (sent in bursts the sink counts). */
    @Override
    public LoadResult runCounted(ServerUnderTest server, long operations) throws IOException, InterruptedException {
        long perSender = Math.max(1, operations / senders);
        return run(server, List.of("--messages", Long.toString(perSender)), 0, 120);
    }

    @Override
    public void warmUp(ServerUnderTest server, int seconds) throws IOException, InterruptedException {
        run(server, List.of("--duration-seconds", Integer.toString(seconds)), 0, seconds);
    }

    private LoadResult run(ServerUnderTest server, List<String> bound, int warmupSeconds, int expectedSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(settings.udpLoad.toString(), "--port",
                Integer.toString(server.port), "--message-size", Integer.toString(messageSize)));
        if (oneWay) {
            command.addAll(List.of("--mode", "oneway", "--gso", Integer.toString(gso)));
        } else {
            command.addAll(List.of("--mode", "pingpong", "--senders", Integer.toString(senders)));
        }
        command.addAll(bound);
        if (warmupSeconds > 0) {
            command.addAll(List.of("--warmup-seconds", Integer.toString(warmupSeconds)));
        }
        CpuWindow window = CpuWindow.open(server.pid());
        Child client = Child.start(SuiteSettings.LOAD_CORE, command);
        try (CpuSampler cpu = new CpuSampler(client.pid())) {
            if (warmupSeconds > 0 || oneWay) {
                // One way prints it even without a warm-up: once it knows the sink's count at the start.
                client.awaitLine(MEASURING, Duration.ofSeconds(warmupSeconds + 30L));
                window = CpuWindow.open(server.pid());
            }
            int exit = client.awaitExit(Duration.ofSeconds(warmupSeconds + expectedSeconds + 60L));
            String line = client.lines().stream().filter(l -> l.startsWith(RESULT_PREFIX)).findFirst()
                    .orElseThrow(() -> new IOException("no '" + RESULT_PREFIX + "' line:\n" + client.output()));
            KeyValues kv = KeyValues.parse(line);
            LoadResult result;
            if (oneWay) {
                double received = kv.number("received");
                double sent = kv.number("sent");
                double rate = kv.number("datagrams/s");
                result = new LoadResult(received, rate, client.commandLine);
                result.extras.put("sent/s", received > 0 ? rate * sent / received : Double.NaN);
                result.extras.put("lost %", sent > 0 ? kv.number("lost") * 100 / sent : Double.NaN);
            } else {
                result = new LoadResult(kv.number("round-trips"), kv.number("round-trips/s"), client.commandLine);
                result.extras.put("RTT p99 µs", kv.number("rtt-p99-us"));
                result.extras.put("lost", kv.number("lost"));
            }
            window.close(result);
            result.loadCpuPercent = cpu.percent(warmupSeconds);
            result.problems = exit == 0 && "ok".equals(kv.text("result")) ? ""
                    : client.commandLine + " exit " + exit + ": " + client.output();
            return result;
        }
    }
}
