package io.gonetpoll.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The examples with {@code --uds PATH} on GoNetpoll's Unix-domain channels, each in a child JVM with Netty's
 * leak detector at PARANOID: the {@code http} example answers {@code curl --unix-socket} (one request, then two
 * on one kept-alive connection), and {@code echo-client} drives {@code echo-server}, checking every byte. A
 * server stopped by SIGTERM closes its listener, which deletes the socket file, as Netty's epoll listener does.
 * The echo runs on NIO too, whose domain channels take the JDK's {@code UnixDomainSocketAddress} (the benchmarks'
 * Unix-domain scenarios compare it).
 */
class UdsExamplesTest {
    private static final Pattern LISTENING_UDS =
            Pattern.compile("^listening on unix:(\\S+) transport=(\\S+) threads=(\\d+)$");
    private static final long START_TIMEOUT_SECONDS = 60;
    private static final String BODY = "Hello, World!";

    @TempDir
    Path dir;

    @Test
    void curlOverUnixSocket() throws Exception {
        Path socket = dir.resolve("http.sock");
        try (ChildProcess server = startServer("http", socket, "gonetpoll")) {
            Result one = curl("-s", "-i", "--unix-socket", socket.toString(), "http://localhost/");
            assertEquals(0, one.exitCode, () -> one.describe(server));
            assertTrue(one.stdout.startsWith("HTTP/1.1 200 OK\r\n"), () -> one.describe(server));
            assertTrue(one.stdout.endsWith("\r\n\r\n" + BODY), () -> one.describe(server));
            Result two = curl("-s", "-w", "\\n%{http_code} %{num_connects}\\n", "--unix-socket", socket.toString(),
                    "http://localhost/first", "http://localhost/second");
            assertEquals(0, two.exitCode, () -> two.describe(server));
            assertEquals(BODY + "\n200 1\n" + BODY + "\n200 0\n", two.stdout, () -> two.describe(server));
        }
        assertFalse(Files.exists(socket), "the stopped server's listener deleted its socket file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"gonetpoll", "nio"})
    void echoClientAgainstEchoServer(String transport) throws Exception {
        Path socket = dir.resolve("echo.sock");
        try (ChildProcess server = startServer("echo-server", socket, transport);
             ChildProcess client = ChildProcess.start("examples echo-client --uds", List.of(
                     ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid", "-jar",
                     ChildProcess.examplesJar().toString(), "echo-client", "--transport", transport, "--uds",
                     socket.toString(), "--connections", "4", "--messages", "2000", "--mode", "pingpong"))) {
            assertEquals(0, client.awaitExit(120), () -> client.output() + '\n' + server.output());
        }
        assertFalse(Files.exists(socket), "the stopped server's listener deleted its socket file");
    }

    private static ChildProcess startServer(String example, Path socket, String transport) throws Exception {
        ChildProcess server = ChildProcess.start("examples " + example + " --uds", List.of(
                ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid", "-jar",
                ChildProcess.examplesJar().toString(), example, "--transport", transport, "--uds",
                socket.toString(), "--threads", "1"));
        Matcher listening = server.awaitLine(LISTENING_UDS, START_TIMEOUT_SECONDS);
        assertEquals(socket.toString(), listening.group(1), server::output);
        assertEquals(transport, listening.group(2), server::output);
        return server;
    }

    private static Result curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "--max-time", "10"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        try {
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "curl did not finish: " + command);
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

        String describe(ChildProcess server) {
            return String.join(" ", command) + " exited with " + exitCode + "\n--- stdout ---\n" + stdout
                    + "\n--- stderr ---\n" + stderr + '\n' + server.output();
        }
    }
}
