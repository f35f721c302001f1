package io.gonetpoll.it;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The {@code http} example on GoNetpoll, in a child JVM with Netty's leak detector at PARANOID, driven by a real
 * HTTP client (curl) and by hand-written pipelined requests. It proves a netty-codec-http pipeline runs unchanged
 * on the transport: one request, keep-alive (two requests on one connection), and pipelining.
 */
class HttpExampleCurlTest {
    private static final String BODY = "Hello, World!";
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long CURL_TIMEOUT_SECONDS = 30;
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    private static ChildProcess server;
    private static int port;

    @BeforeAll
    static void startServer() throws Exception {
        server = ChildProcess.start("examples http", List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString(),
                "http", "--transport", "gonetpoll", "--host", "127.0.0.1", "--port", "0", "--threads", "1"));
        Matcher listening = server.awaitLine(ChildProcess.LISTENING, START_TIMEOUT_SECONDS);
        assertEquals("gonetpoll", listening.group(3), server::output);
        port = Integer.parseInt(listening.group(2));
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void oneRequest() throws Exception {
        Result curl = curl("-s", "-i", url("/"));
        assertEquals(0, curl.exitCode, curl::describe);
        String response = curl.stdout;
        assertTrue(response.startsWith("HTTP/1.1 200 OK\r\n"), curl::describe);
        int headersEnd = response.indexOf("\r\n\r\n");
        assertTrue(headersEnd > 0, curl::describe);
        assertEquals(BODY, response.substring(headersEnd + 4), curl::describe);
    }

    /**
     * Two URLs in one curl run share one connection when the server keeps it alive. {@code %{num_connects}} is
     * the number of new connections a transfer needed: 1 for the first, 0 for the second.
     */
    @Test
    void keepAliveReusesTheConnection() throws Exception {
        Result curl = curl("-s", "-w", "\\n%{http_code} %{num_connects}\\n", url("/first"), url("/second"));
        assertEquals(0, curl.exitCode, curl::describe);
        assertEquals(BODY + "\n200 1\n" + BODY + "\n200 0\n", curl.stdout, curl::describe);
    }

    /**
     * Three requests in one write; the server must answer all three, in order. The last one asks to close, so
     * its response (and only its) carries {@code connection: close}, and then the server closes: that tells the
     * responses apart and checks the close after the last flush.
     */
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String requests = "GET /1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                + "GET /3 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(requests.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            List<Response> responses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                responses.add(Response.read(in));
            }
            for (int i = 0; i < 3; i++) {
                Response response = responses.get(i);
                String which = "response " + (i + 1) + " of 3: " + response;
                assertEquals("HTTP/1.1 200 OK", response.statusLine, which);
                assertEquals(BODY, response.body, which);
                assertEquals(i == 2, "close".equalsIgnoreCase(response.headers.get("connection")), which);
            }
            assertEquals(-1, in.read(), "the server must close the connection after the 'Connection: close' response");
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private static Result curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("curl");
        command.add("--max-time");
        command.add("10");
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(false).start();
        } catch (IOException e) {
            fail("curl is not installed or not on the PATH (.ci/run installs it with apt-get; or: apt-get install "
                    + "curl): " + e.getMessage());
            throw e;
        }
        try {
            process.getOutputStream().close();
            // Small outputs: reading them fully before waiting cannot block on a full pipe.
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(CURL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                fail("curl did not finish within " + CURL_TIMEOUT_SECONDS + " s: " + command);
            }
            return new Result(command, process.exitValue(), stdout, stderr);
        } finally {
            process.destroyForcibly();
        }
    }

    private static final class Result {
        final List<String> command;
        final int exitCode;
        final String stdout;
        final String stderr;

        Result(List<String> command, int exitCode, String stdout, String stderr) {
            this.command = command;
            this.exitCode = exitCode;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        String describe() {
            return String.join(" ", command) + " exited with " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr + '\n' + server.output();
        }
    }

    /** One HTTP/1.1 response framed by {@code Content-Length} (all the example sends). */
    private static final class Response {
        final String statusLine;
        final Map<String, String> headers;
        final String body;

        private Response(String statusLine, Map<String, String> headers, String body) {
            this.statusLine = statusLine;
            this.headers = headers;
            this.body = body;
        }

        static Response read(InputStream in) throws IOException {
            String statusLine = readLine(in);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                int colon = line.indexOf(':');
                assertTrue(colon > 0, "malformed header line '" + line + "'");
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
            String length = headers.get("content-length");
            assertTrue(length != null, "no content-length in " + statusLine + ' ' + headers);
            byte[] body = in.readNBytes(Integer.parseInt(length));
            assertEquals(Integer.parseInt(length), body.length, "body cut short: " + statusLine + ' ' + headers);
            return new Response(statusLine, headers, new String(body, StandardCharsets.US_ASCII));
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (true) {
                int b = in.read();
                if (b < 0) {
                    fail("connection closed in the middle of a response; read so far: '" + line + "'");
                }
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.US_ASCII);
                    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
                }
                line.write(b);
            }
        }

        @Override
        public String toString() {
            return statusLine + ' ' + headers + " body='" + body + '\'';
        }
    }
}
