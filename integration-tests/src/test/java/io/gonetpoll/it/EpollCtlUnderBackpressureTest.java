package io.gonetpoll.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code echo-server} example under {@code strace -e trace=epoll_ctl}, fed by a client that reads slowly:
 * the server's writes back up (EAGAIN), it turns autoRead off and on again, and connections come and go. On
 * GoNetpoll that must cost no {@code EPOLL_CTL_MOD} at all; on Netty's epoll, traced the same way in the same
 * run, it does — which shows this check can fail.
 *
 * <p>Each client sends a fixed 8 MiB per connection into a 64 KiB receive window (more than the server's send
 * buffer and that window hold, so the server's writes must back up), not "as much as 2 s allows": the time to
 * drain what a timed run sent depended on how fast the machine was, and that once ran past the client's limit.
 */
class EpollCtlUnderBackpressureTest {
    /** What the traced server did. */
    private static final class Trace {
        int adds;
        int mods;
        int dels;
        int writesThatWouldBlock;
        final List<String> lines = new ArrayList<>();
    }

    @Test
    void goNetpollIssuesNoEpollCtlModUnderBackpressureAndAutoReadToggling() throws Exception {
        Trace trace = traceEchoServer("gonetpoll");
        assertTrue(trace.writesThatWouldBlock > 0, "the client must have made the server's writes back up");
        assertTrue(trace.adds >= 3, "listener, eventfd and the client connections are added: " + trace.adds);
        assertEquals(0, trace.mods, "EPOLL_CTL_MOD calls: " + modLines(trace));
    }

    @Test
    void nettyEpollIssuesEpollCtlModInTheSameWorkload() throws Exception {
        Trace trace = traceEchoServer("epoll");
        assertTrue(trace.writesThatWouldBlock > 0, "the client must have made the server's writes back up");
        assertTrue(trace.mods > 0, "Netty's epoll toggles EPOLLOUT/EPOLLIN with EPOLL_CTL_MOD");
    }

    /** The same workload over a Unix-domain socket ({@code --uds}): GoNetpoll's domain channels make no MOD either. */
    @Test
    void goNetpollIssuesNoEpollCtlModOnUnixSockets() throws Exception {
        Trace trace = traceEchoServer("gonetpoll", true);
        assertTrue(trace.writesThatWouldBlock > 0, "the client must have made the server's writes back up");
        assertTrue(trace.adds >= 3, "listener, eventfd and the client connections are added: " + trace.adds);
        assertEquals(0, trace.mods, "EPOLL_CTL_MOD calls: " + modLines(trace));
    }

    @Test
    void nettyEpollIssuesEpollCtlModOnUnixSockets() throws Exception {
        Trace trace = traceEchoServer("epoll", true);
        assertTrue(trace.writesThatWouldBlock > 0, "the client must have made the server's writes back up");
        assertTrue(trace.mods > 0, "Netty's epoll toggles EPOLLOUT/EPOLLIN with EPOLL_CTL_MOD");
    }

    private static Trace traceEchoServer(String transport) throws Exception {
        return traceEchoServer(transport, false);
    }

    /**
     * Over TCP the client is NIO; over a Unix-domain socket (in a temporary directory) it is Netty's epoll, the
     * examples' NIO having no Unix-domain client.
     */
    private static Trace traceEchoServer(String transport, boolean uds) throws Exception {
        Assumptions.assumeTrue(Strace.works(), "strace is missing or may not trace here (ptrace not permitted); "
                + "scripts/test.sh installs it");
        Path file = Files.createTempFile("gonetpoll-strace-" + transport, ".txt");
        Path dir = Files.createTempDirectory("gonetpoll-strace-uds");
        String socket = dir.resolve("echo.sock").toString();
        try {
            List<String> strace = List.of("strace", "-f", "-qq", "--seccomp-bpf", "-e", "signal=none",
                    "-e", "trace=epoll_ctl,sendto,writev,write", "-o", file.toString());
            List<String> command = new ArrayList<>(strace);
            command.addAll(uds ? javaJar("echo-server", "--transport", transport, "--uds", socket)
                    : javaJar("echo-server", "--transport", transport, "--port", "0"));
            try (ChildProcess server = ChildProcess.start("traced echo-server", command)) {
                List<String> target;
                if (uds) {
                    server.awaitLine(Pattern.compile("^listening on unix:.*"), 120);
                    target = List.of("--transport", "epoll", "--uds", socket);
                } else {
                    target = List.of("--transport", "nio", "--port",
                            server.awaitLine(ChildProcess.LISTENING, 120).group(2));
                }
                for (int round = 0; round < 2; round++) {
                    List<String> clientArgs = new ArrayList<>(List.of("echo-client"));
                    clientArgs.addAll(target);
                    clientArgs.addAll(List.of("--connections", "2", "--mode", "stream", "--message-size", "65536",
                            "--messages", "128", "--receive-buffer", "65536", "--read-delay-millis", "2"));
                    try (ChildProcess client = ChildProcess.start("echo-client",
                            javaJar(clientArgs.toArray(new String[0])))) {
                        assertEquals(0, client.awaitExit(180), client::output);
                    }
                }
            }
            return parse(file);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(Path.of(socket));
            Files.deleteIfExists(dir);
        }
    }

    private static Trace parse(Path file) throws Exception {
        Trace trace = new Trace();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            trace.lines.add(line);
            if (line.contains("EPOLL_CTL_ADD")) {
                trace.adds++;
            } else if (line.contains("EPOLL_CTL_MOD")) {
                trace.mods++;
            } else if (line.contains("EPOLL_CTL_DEL")) {
                trace.dels++;
            } else if ((line.contains("sendto(") || line.contains("writev(") || line.contains("write("))
                    && line.contains("EAGAIN")) {
                trace.writesThatWouldBlock++;
            }
        }
        return trace;
    }

    private static String modLines(Trace trace) {
        StringBuilder sb = new StringBuilder();
        trace.lines.stream().filter(l -> l.contains("EPOLL_CTL_MOD")).limit(5).forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }

    private static List<String> javaJar(String... args) {
        List<String> command = new ArrayList<>(List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-jar", ChildProcess.examplesJar().toString()));
        command.addAll(List.of(args));
        return command;
    }
}
