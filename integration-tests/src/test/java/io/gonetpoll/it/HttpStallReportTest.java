package io.gonetpoll.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code http} example's observability (issue 17, item 6) in a child JVM: {@code --debug-routes}'
 * {@code GET /debug/block?ms=N} blocks the loop on purpose, {@code --stall-threshold-millis} reports it — a stall
 * of about N ms whose stack holds the blocking frame — and {@code --metrics}' {@code GET /metrics}, served by the
 * same server, counts it.
 */
class HttpStallReportTest {
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long REPORT_TIMEOUT_SECONDS = 30;
    private static final int SOCKET_TIMEOUT_MILLIS = 30_000;
    private static final long THRESHOLD_MILLIS = 100;
    private static final long BLOCK_MILLIS = 700;

    private static ChildProcess server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = ChildProcess.start("examples http --metrics", List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(),
                "http", "--transport", "gonetpoll", "--host", "127.0.0.1", "--port", "0", "--threads", "1",
                "--metrics", "--stall-threshold-millis", String.valueOf(THRESHOLD_MILLIS), "--debug-routes"));
        Matcher listening = server.awaitLine(ChildProcess.LISTENING, START_TIMEOUT_SECONDS);
        port = Integer.parseInt(listening.group(2));
        // Each route once, so that the block below is not in the same loop turn as a cold JVM's first allocation
        // (Netty's allocator registers its JFR events then) or class loading, which can pass the threshold on a
        // busy host; the stall reported would then be theirs, with their stack, and the block part of it.
        for (String path : List.of("/", "/debug/block?ms=0", "/metrics")) {
            String answer = get(path);
            assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        }
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aBlockedLoopIsReportedWithItsFrameAndCountedInTheMetrics() throws Exception {
        String blocked = get("/debug/block?ms=" + BLOCK_MILLIS);
        assertTrue(blocked.startsWith("HTTP/1.1 200 OK\r\n"), blocked);
        Matcher answer = Pattern.compile("blocked (\\S+) for " + BLOCK_MILLIS + " ms\\n$").matcher(blocked);
        assertTrue(answer.find(), blocked);
        String loop = answer.group(1);

        // The stall of the block: the report whose stack holds the blocking frame (a cold JVM's first requests,
        // loading classes, may have been reported before it).
        String[] report = awaitReport(loop, "io.gonetpoll.examples.DiagnosticRoutes.blockTheLoop(");
        Matcher detected = Pattern.compile("^stall detected: loop=" + Pattern.quote(loop)
                + " after-ms=(\\d+) threshold-ms="
                + THRESHOLD_MILLIS + "$").matcher(report[0]);
        assertTrue(detected.matches(), report[0]);
        long detectedAfter = Long.parseLong(detected.group(1));
        assertTrue(detectedAfter >= THRESHOLD_MILLIS && detectedAfter <= BLOCK_MILLIS,
                () -> "detected after " + detectedAfter + " ms\n" + server.output());
        Matcher ended = Pattern.compile("^stall ended: loop=" + Pattern.quote(loop) + " length-ms=(\\d+)$")
                .matcher(report[1]);
        assertTrue(ended.matches(), report[1]);
        long length = Long.parseLong(ended.group(1));
        // About N ms: the block itself, plus the rest of that turn (decoding, writing the answer).
        assertTrue(length >= BLOCK_MILLIS && length < BLOCK_MILLIS + 2000,
                () -> "stall of " + length + " ms\n" + server.output());

        String metrics = get("/metrics");
        assertTrue(metrics.startsWith("HTTP/1.1 200 OK\r\n"), metrics);
        assertTrue(metrics.contains("\r\ncontent-type: text/plain; version=0.0.4; charset=utf-8\r\n"), metrics);
        assertTrue(metrics.contains("# TYPE gonetpoll_stalls_total counter\n"), metrics);
        long reported = server.stdout().lines().filter(l -> l.startsWith("stall detected: loop=" + loop + " ")).count();
        assertTrue(reported >= 1);
        assertEquals(reported, sample(metrics, "gonetpoll_stalls_total", loop), metrics);
        // Two loops share the factory: the acceptor (one accept per request so far) and the worker.
        assertTrue(metrics.contains("# TYPE gonetpoll_channels_registered gauge\n"), metrics);
        assertTrue(sample(metrics, "gonetpoll_bytes_read_total", loop) > 0, metrics);
        assertTrue(metrics.contains("gonetpoll_accepts_total{loop=\"gonetpoll-boss-"), metrics);
    }

    @Test
    void otherPathsStillGetTheHelloAnswer() throws Exception {
        String hello = get("/");
        assertTrue(hello.startsWith("HTTP/1.1 200 OK\r\n") && hello.endsWith("\r\n\r\nHello, World!"), hello);
    }

    /**
     * Waits for a stall report of {@code loop} whose stack has a line holding {@code frame}, and for its end;
     * returns the report's first line and its end line.
     */
    private static String[] awaitReport(String loop, String frame) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(REPORT_TIMEOUT_SECONDS);
        while (true) {
            List<String> lines = server.stdout().lines().collect(java.util.stream.Collectors.toList());
            for (int i = 0; i < lines.size(); i++) {
                if (!lines.get(i).startsWith("stall detected: loop=" + loop + " ")) {
                    continue;
                }
                boolean hasFrame = false;
                int j = i + 1;
                for (; j < lines.size() && lines.get(j).startsWith("\tat "); j++) {
                    // A frame prints as "at [loader//][module@version/]class.method(file:line)".
                    hasFrame |= lines.get(j).contains(frame);
                }
                if (!hasFrame) {
                    continue;
                }
                for (; j < lines.size(); j++) {
                    if (lines.get(j).startsWith("stall ended: loop=" + loop + " ")) {
                        return new String[] {lines.get(i), lines.get(j)};
                    }
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("no stall of " + loop + " with " + frame + " and its end in "
                        + REPORT_TIMEOUT_SECONDS + " s\n" + server.output());
            }
            Thread.sleep(20);
        }
    }

    /** The value of the sample {@code name{loop="<loop>"}}; fails if absent. */
    private static double sample(String metrics, String name, String loop) {
        Matcher m = Pattern.compile("^" + Pattern.quote(name + "{loop=\"" + loop + "\"} ") + "(\\S+)$",
                Pattern.MULTILINE).matcher(metrics);
        assertTrue(m.find(), () -> "no sample " + name + " of " + loop + " in\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    /** One request on its own connection, which the server closes after the answer; the whole answer. */
    private static String get(String path) throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
