package io.gonetpoll.it;

import io.gonetpoll.it.dns.TestDnsServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The UDP examples in child JVMs with Netty's leak detector at PARANOID: {@code udp-echo-client} against
 * {@code udp-echo-server} (every datagram checked byte by byte by the client; round trips and losses add up to
 * what was sent), {@code udp-echo-server --mode sink} counting exactly the datagrams a plain JDK socket sent it,
 * one by one and read in batches, and {@code dns} resolving against {@link TestDnsServer}, with the class of the
 * resolver's channel in its output.
 */
class UdpExamplesTest {
    static final Pattern LISTENING_UDP =
            Pattern.compile("^listening on udp:(\\S+):(\\d+) transport=(\\S+) threads=1 mode=(\\S+)$");
    private static final Pattern CLIENT_RESULT = Pattern.compile("^udp-echo-client transport=(\\S+) senders=(\\d+) "
            + "message-size=(\\d+) round-trips=(\\d+) round-trips/s=\\d+ lost=(\\d+) late=(\\d+) stray=\\d+ "
            + "rtt-p50-us=\\d+ rtt-p99-us=\\d+ result=(\\S+)$");
    private static final Pattern STATS = Pattern.compile("^stats datagrams=(\\d+) bytes=(\\d+)$");
    private static final long START_TIMEOUT_SECONDS = 60;

    @ParameterizedTest
    @ValueSource(strings = {"gonetpoll", "nio"})
    void echoClientAgainstEchoServer(String transport) throws Exception {
        int senders = 8;
        int messages = 500;
        try (ChildProcess server = startServer(transport, "--mode", "echo")) {
            int port = port(server, transport, "echo");
            try (ChildProcess client = ChildProcess.start("examples udp-echo-client", example("udp-echo-client",
                    "--transport", transport, "--port", String.valueOf(port), "--senders", String.valueOf(senders),
                    "--messages", String.valueOf(messages), "--message-size", "200", "--timeout-millis", "2000"))) {
                assertEquals(0, client.awaitExit(120), () -> client.output() + server.output());
                Matcher result = client.awaitLine(CLIENT_RESULT, 10);
                assertEquals(transport, result.group(1), client::output);
                assertEquals("ok", result.group(7), client::output);
                long roundTrips = Long.parseLong(result.group(4));
                long lost = Long.parseLong(result.group(5));
                assertEquals((long) senders * messages, roundTrips + lost, client::output);
                assertTrue(roundTrips > 0, client::output);
            }
        }
    }

    /**
     * A sink counts what arrived: a JDK socket sends datagrams in groups of 50 and waits, after each group, until
     * the sink's {@code ?stats} answer counts all of them (loopback drops nothing that a receive buffer holds).
     * With {@code --gro} the sink's channel must have taken {@code UDP_GRO}, or the server exits.
     */
    @ParameterizedTest
    @CsvSource({"gonetpoll, false, false", "gonetpoll, true, false", "gonetpoll, true, true", "gonetpoll, false, true",
        "epoll, true, false", "epoll, true, true", "nio, false, false"})
    void sinkCountsEveryDatagram(String transport, boolean batched, boolean gro) throws Exception {
        List<String> args = new ArrayList<>(List.of("--mode", "sink"));
        if (batched) {
            args.addAll(List.of("--read-batch", "16", "--max-payload", "100"));
        }
        if (gro) {
            args.add("--gro");
        }
        try (ChildProcess server = startServer(transport, args.toArray(new String[0]));
             DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            InetSocketAddress sink = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    port(server, transport, "sink"));
            socket.setSoTimeout(200);
            long sent = 0;
            long bytes = 0;
            for (int group = 0; group < 10; group++) {
                for (int i = 0; i < 50; i++) {
                    byte[] payload = new byte[1 + (int) (sent % 100)];
                    socket.send(new DatagramPacket(payload, payload.length, sink));
                    sent++;
                    bytes += payload.length;
                }
                assertEquals(sent + " " + bytes, awaitStats(socket, sink, sent), server::output);
            }
        }
    }

    /** Asks the sink for its counts until it has {@code datagrams} (or 30 s pass); returns the last "N B". */
    private static String awaitStats(DatagramSocket socket, InetSocketAddress sink, long datagrams)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String last = "no answer";
        byte[] query = "?stats".getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[256];
        while (System.nanoTime() < deadline) {
            socket.send(new DatagramPacket(query, query.length, sink));
            DatagramPacket answer = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(answer);
            } catch (SocketTimeoutException e) {
                continue;
            }
            Matcher stats = STATS.matcher(new String(answer.getData(), 0, answer.getLength(),
                    StandardCharsets.US_ASCII));
            assertTrue(stats.matches(), () -> "not a stats answer: " + Arrays.toString(answer.getData()));
            last = stats.group(1) + ' ' + stats.group(2);
            if (Long.parseLong(stats.group(1)) >= datagrams) {
                return last;
            }
        }
        return last;
    }

    @Test
    void dnsResolvesAgainstTheTestServer() throws Exception {
        String transport = "gonetpoll";
        String expectedChannel = "GoNetpollDatagramChannel";
        try (TestDnsServer dns = new TestDnsServer(Map.of("alpha.gonetpoll.test",
                List.of(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("2001:db8::1"))), Set.of())) {
            String server = "127.0.0.1:" + dns.address().getPort();
            try (ChildProcess ok = ChildProcess.start("examples dns", example("dns", "--transport", transport,
                    "--server", server, "--names", "alpha.gonetpoll.test"))) {
                assertEquals(0, ok.awaitExit(60), ok::output);
                assertTrue(ok.stdout().contains("dns name=alpha.gonetpoll.test addresses=192.0.2.1,2001:db8:0:0:0:0:0:1"
                        + "\n"), ok::output);
                assertTrue(ok.stdout().endsWith("dns resolved=1 failed=0 transport=" + transport
                        + " datagram-channel=" + expectedChannel + " result=ok"), ok::output);
            }
            try (ChildProcess failed = ChildProcess.start("examples dns", example("dns", "--transport", transport,
                    "--server", server, "--names", "missing.gonetpoll.test,alpha.gonetpoll.test", "--type",
                    "ipv4"))) {
                assertEquals(1, failed.awaitExit(60), failed::output);
                assertTrue(failed.stdout().contains("dns name=missing.gonetpoll.test error=java.net."
                        + "UnknownHostException: "), failed::output);
                assertTrue(failed.stdout().contains("dns name=alpha.gonetpoll.test addresses=192.0.2.1\n"),
                        failed::output);
                assertTrue(failed.stdout().endsWith("dns resolved=1 failed=1 transport=" + transport
                        + " datagram-channel=" + expectedChannel + " result=FAILED"), failed::output);
            }
            assertTrue(dns.questions.contains("udp missing.gonetpoll.test A"), dns.questions::toString);
        }
    }

    private static ChildProcess startServer(String transport, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--transport", transport, "--host", "127.0.0.1", "--port", "0"));
        all.addAll(List.of(args));
        return ChildProcess.start("examples udp-echo-server", example("udp-echo-server", all.toArray(new String[0])));
    }

    private static int port(ChildProcess server, String transport, String mode) throws InterruptedException {
        Matcher listening = server.awaitLine(LISTENING_UDP, START_TIMEOUT_SECONDS);
        assertEquals(transport, listening.group(3), server::output);
        assertEquals(mode, listening.group(4), server::output);
        return Integer.parseInt(listening.group(2));
    }

    private static List<String> example(String subcommand, String... args) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(), subcommand));
        command.addAll(List.of(args));
        return command;
    }
}
