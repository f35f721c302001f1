package io.gonetpoll.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoNetpoll's read-path and registration invariants seen from outside the JVM: a request/response server
 * ({@link RequestResponseServerMain}) runs in a child JVM under {@code strace -ff -yy}, tracing {@code epoll_ctl},
 * {@code read} and {@code recvfrom} with each fd decoded, and serves {@value #CONNECTIONS} connections of
 * {@value #REQUESTS} requests of {@value #REQUEST_BYTES} bytes each, one request in flight, with auto-read and a
 * read buffer larger than a request. What must hold on GoNetpoll:
 * <ul>
 *   <li>no read on a socket returns {@code EAGAIN}: every read of a request is short, and a short read counts as
 *   drained (docs/architecture.md, "The read path"), so no read is made to find the socket empty;</li>
 *   <li>every socket added to epoll is deleted from it, while still open (the DEL names the fd as a TCP socket and
 *   succeeds): the listener and one per connection.</li>
 * </ul>
 * The first check's result is "nothing happens", so a control run shows it can fail: with a read buffer exactly
 * the size of a request every read fills it, and under auto-read the loop reads on, as Netty's epoll does, and finds
 * {@code EAGAIN}. Netty's epoll serving the same exchange is the reference: it makes no {@code EAGAIN} read either,
 * and deletes what it added.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RequestResponseStraceTest {
    private static final int CONNECTIONS = 20;
    private static final int REQUESTS = 50;
    private static final int REQUEST_BYTES = 100;
    private static final int LARGER_BUFFER = 1024;

    @Test
    void goNetpollReadsNoSocketToEagainAndDeletesEverySocketItAdded() throws Exception {
        Trace trace = traceServer("gonetpoll", LARGER_BUFFER);
        assertTrue(trace.dataReads >= CONNECTIONS * REQUESTS, "reads that returned data: " + trace);
        assertEquals(0, trace.eagainReads, "reads that returned EAGAIN: " + trace + '\n' + trace.examples());
        assertEquals(CONNECTIONS + 1, trace.socketAdds, "sockets added to epoll (listener and connections): "
                + trace);
        assertEquals(trace.socketAdds, trace.socketDels, "sockets deleted from epoll while open: " + trace);
    }

    /**
     * The control: the count above sees EAGAIN reads where they happen. Every read of a request fills its buffer, so
     * under auto-read the loop reads on and finds the socket empty: one EAGAIN read per request (the response is
     * flushed once the read completes, so the next request cannot have arrived by then).
     */
    @Test
    void goNetpollReadsOnAfterAReadThatFilledItsBuffer() throws Exception {
        Trace trace = traceServer("gonetpoll", REQUEST_BYTES);
        assertEquals(CONNECTIONS * REQUESTS, trace.eagainReads, "EAGAIN reads after reads that filled their buffer: "
                + trace);
    }

    @Test
    void nettyEpollIsTheReference() throws Exception {
        Trace trace = traceServer("epoll", LARGER_BUFFER);
        assertTrue(trace.dataReads >= CONNECTIONS * REQUESTS, "reads that returned data: " + trace);
        assertEquals(0, trace.eagainReads, "reads that returned EAGAIN: " + trace + '\n' + trace.examples());
        assertEquals(trace.socketAdds, trace.socketDels, "sockets deleted from epoll while open: " + trace);
    }

    /** What the traced server did to its sockets. */
    private static final class Trace {
        int socketAdds;
        int socketDels;
        int dataReads;
        int eofReads;
        int eagainReads;
        final List<String> eagainLines = new ArrayList<>();

        String examples() {
            return String.join("\n", eagainLines.subList(0, Math.min(5, eagainLines.size())));
        }

        @Override
        public String toString() {
            return "socket ADDs " + socketAdds + ", socket DELs " + socketDels + ", reads with data " + dataReads
                    + ", at EOF " + eofReads + ", EAGAIN " + eagainReads;
        }
    }

    private static Trace traceServer(String transport, int bufferBytes) throws Exception {
        Assumptions.assumeTrue(Strace.works(), "strace is missing or may not trace here (ptrace not permitted); "
                + "scripts/test.sh installs it");
        Path dir = Files.createTempDirectory("gonetpoll-strace-" + transport);
        try {
            // -ff: one file per thread, so no line is split by another thread's; -yy: fds with what they are.
            List<String> command = new ArrayList<>(List.of("strace", "-ff", "-qq", "--seccomp-bpf", "-yy",
                    "-e", "signal=none", "-e", "trace=epoll_ctl,read,recvfrom", "-o", dir.resolve("t").toString(),
                    ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid",
                    "-cp", System.getProperty("java.class.path"), RequestResponseServerMain.class.getName(),
                    transport, Integer.toString(bufferBytes), Integer.toString(CONNECTIONS)));
            try (ChildProcess server = ChildProcess.start("traced " + transport + " server", command)) {
                int port = Integer.parseInt(server.awaitLine(ChildProcess.LISTENING, 120).group(2));
                for (int i = 0; i < CONNECTIONS; i++) {
                    exchange(port);
                }
                server.awaitLine(Pattern.compile("^stopped$"), 60);
                assertEquals(0, server.awaitExit(60), server::output);
            }
            Trace trace = new Trace();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.sorted(Comparator.naturalOrder()).toList()) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        parse(line, trace);
                    }
                }
            }
            return trace;
        } finally {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    /** {@code call(args) = result [ERRNO (text)]}; the last " = " is the result's, whatever the args hold. */
    private static final Pattern SYSCALL = Pattern.compile("^(\\w+)\\((.*)\\) += (-?\\d+)(?: ([A-Z0-9]+) .*)?$");
    /** epoll_ctl's operation and target fd, decoded by -yy as {@code 9<TCPv6:[...]>}, {@code 9<socket:[..]>}... */
    private static final Pattern EPOLL_CTL = Pattern.compile("^\\d+<[^,]*, EPOLL_CTL_(\\w+), \\d+<(\\w+)");
    /** A read's fd. */
    private static final Pattern READ_FD = Pattern.compile("^\\d+<(\\w+)");

    private static void parse(String line, Trace trace) {
        Matcher call = SYSCALL.matcher(line);
        if (!call.matches()) {
            return;
        }
        String args = call.group(2);
        long result = Long.parseLong(call.group(3));
        if (call.group(1).equals("epoll_ctl")) {
            Matcher ctl = EPOLL_CTL.matcher(args);
            if (ctl.find() && isSocket(ctl.group(2)) && result == 0) {
                if (ctl.group(1).equals("ADD")) {
                    trace.socketAdds++;
                } else if (ctl.group(1).equals("DEL")) {
                    trace.socketDels++;
                }
            }
            return;
        }
        Matcher fd = READ_FD.matcher(args);
        if (!fd.find() || !isSocket(fd.group(1))) {
            return;
        }
        if (result > 0) {
            trace.dataReads++;
        } else if (result == 0) {
            trace.eofReads++;
        } else if ("EAGAIN".equals(call.group(4))) {
            trace.eagainReads++;
            trace.eagainLines.add(line);
        }
    }

    private static boolean isSocket(String kind) {
        return kind.equals("TCP") || kind.equals("TCPv6") || kind.equals("socket");
    }

    /** One connection: {@value #REQUESTS} requests, each answered in full before the next; then close. */
    private static void exchange(int port) throws IOException {
        byte[] request = new byte[REQUEST_BYTES];
        byte[] response = new byte[REQUEST_BYTES];
        try (Socket socket = new Socket()) {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (int i = 0; i < REQUESTS; i++) {
                request[0] = (byte) i;
                out.write(request);
                in.readFully(response);
                assertArrayEquals(request, response, "response " + i);
            }
        }
    }
}
