package io.gonetpoll.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code http --read-timeout-millis 600} on GoNetpoll (the transport's READ_TIMEOUT_MILLIS, no handler) as a
 * slowloris guard: a client that sends a header byte and then nothing (a trickle slower than the timeout looks
 * like that to the server) is cut off, not before the timeout, while a keep-alive client on the same server,
 * sending a request every {@link #KEEP_ALIVE_PACE_MILLIS} meanwhile, is served throughout, on one connection.
 *
 * <p>Nothing here depends on how fast the machine is: the trickling client waits for the cut as long as the test
 * allows, and the keep-alive client counts requests (at least {@link #KEEP_ALIVE_REQUESTS}, and on until the
 * trickling client was cut) instead of counting what fits in a time window.
 */
class SlowlorisReadTimeoutTest {
    private static final int READ_TIMEOUT_MILLIS = 600;
    /** How long the trickling client waits for the cut: far beyond the timeout, within the test's 60 s. */
    private static final int CUT_WAIT_MILLIS = 30_000;
    /**
     * The keep-alive client's pause between requests. A connection silent for the timeout is cut by design, so this
     * leaves 500 ms of slack for the client or the server to be descheduled between two requests.
     */
    private static final int KEEP_ALIVE_PACE_MILLIS = 100;
    private static final int KEEP_ALIVE_REQUESTS = 15;
    /** Bounds the keep-alive loop whatever happens to the trickling client. */
    private static final int KEEP_ALIVE_MAX_REQUESTS = 1_000;
    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    private static ChildProcess server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = ChildProcess.start("examples http --read-timeout-millis", List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(),
                "http", "--transport", "gonetpoll", "--port", "0",
                "--read-timeout-millis", Integer.toString(READ_TIMEOUT_MILLIS)));
        Matcher listening = server.awaitLine(ChildProcess.LISTENING, 60);
        port = Integer.parseInt(listening.group(2));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aTricklingClientIsCutOffWhileAKeepAliveClientIsServed() throws Exception {
        AtomicBoolean slowClientDone = new AtomicBoolean();
        CompletableFuture<Integer> served = CompletableFuture.supplyAsync(() -> keepAlive(slowClientDone));
        try {
            // The server's read deadline is at least the timeout after the connection was accepted, and after the
            // byte was read: measured from before the connect, the cut can never come sooner.
            long connectedAt = System.nanoTime();
            try (Socket slow = connect()) {
                slow.getOutputStream().write(REQUEST.getBytes(StandardCharsets.US_ASCII)[0]);
                slow.setSoTimeout(CUT_WAIT_MILLIS);
                boolean closedByServer;
                try {
                    closedByServer = slow.getInputStream().read() < 0;
                } catch (SocketTimeoutException stillOpen) {
                    closedByServer = false;
                } catch (IOException reset) {
                    closedByServer = true;
                }
                long cutAfterMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectedAt);
                assertTrue(closedByServer, "the trickling client is still connected " + cutAfterMillis + " ms "
                        + "after it connected and sent one byte");
                assertTrue(cutAfterMillis >= READ_TIMEOUT_MILLIS, "cut off early: " + cutAfterMillis + " ms");
            }
        } finally {
            slowClientDone.set(true);
        }

        int responses = served.get(30, TimeUnit.SECONDS);
        assertTrue(responses >= KEEP_ALIVE_REQUESTS, "the keep-alive client got " + responses + " responses");
    }

    /**
     * Requests every {@link #KEEP_ALIVE_PACE_MILLIS} on one connection, at least {@link #KEEP_ALIVE_REQUESTS} and
     * on until {@code slowClientDone}; each must get its 200 on that connection. Returns how many did.
     */
    private static int keepAlive(AtomicBoolean slowClientDone) {
        try (Socket socket = connect()) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            int responses = 0;
            while ((responses < KEEP_ALIVE_REQUESTS || !slowClientDone.get()) && responses < KEEP_ALIVE_MAX_REQUESTS) {
                out.write(REQUEST.getBytes(StandardCharsets.US_ASCII));
                String response = readResponse(in);
                if (!response.startsWith("HTTP/1.1 200 OK") || !response.endsWith("Hello, World!")) {
                    throw new AssertionError("response " + responses + ": " + response);
                }
                responses++;
                Thread.sleep(KEEP_ALIVE_PACE_MILLIS);
            }
            return responses;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("keep-alive client failed", e);
        }
    }

    /** Reads one response of the example: headers, then the 13-byte body its Content-Length announces. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int bodyLeft = -1;
        while (bodyLeft != 0) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + text);
            }
            text.append((char) b);
            if (bodyLeft > 0) {
                bodyLeft--;
            } else if (bodyLeft < 0 && text.indexOf("\r\n\r\n") > 0) {
                Matcher length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(text);
                bodyLeft = length.find() ? Integer.parseInt(length.group(1)) : 0;
            }
        }
        return text.toString();
    }

    private static Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return socket;
    }
}
