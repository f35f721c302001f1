package io.gonetpoll.it.fault;

import io.gonetpoll.it.ChildProcess;
import io.gonetpoll.it.OpenFiles;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fault: the server process runs out of file descriptors while connections keep arriving. {@code accept4} fails
 * with EMFILE, the connections stay in the kernel's accept queue, and the edge that announced them is spent.
 *
 * <p>A GoNetpoll echo server runs in a child JVM whose RLIMIT_NOFILE leaves a few dozen fds free after
 * start-up; the test opens more connections than that. Two servers: the {@code echo-server} example, where
 * Netty's ServerBootstrap acceptor pauses autoRead for a second after each accept error, and
 * {@link AcceptErrorsSwallowedServerMain}, whose listener swallows the errors so that only the transport's own
 * backoff stands between EMFILE and a busy loop. What must hold for both: the server does not spin (its CPU time
 * grows by a small fraction of the wall time, and it fails few accepts per second); a connection established
 * before the exhaustion keeps being echoed during it; once the test closes the connections the server had
 * accepted (it reads EOF and frees their fds), the connections still queued are accepted and echoed within a
 * bounded time although no new connection arrives to make a new edge — the listener's accept retry (5 ms
 * doubling to 1 s); finally a new connection is served, and of the test's connections the server holds only the
 * established one and that new one.
 */
class AcceptUnderFdExhaustionTest {
    /** RLIMIT_NOFILE of the child: a JVM running the example holds about 15 fds once it listens. */
    private static final int FD_LIMIT = 64;
    /** Connections opened at the limit: enough to fill it and leave dozens queued, far below SO_BACKLOG 4096. */
    private static final int EXTRA_CONNECTIONS = FD_LIMIT + 32;
    /**
     * Connect and echo timeouts: bounds on a hang, not on speed. The first echo of the fresh child JVM loads the
     * classes of a whole pipeline at PARANOID leak detection, which on a loaded two-core machine takes seconds.
     */
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;
    private static final long WINDOW_MILLIS = 3_000;
    /** A spinning accept loop would cost about 100 % of one core; an idle server about 1 %. */
    private static final double MAX_CPU_SHARE = 0.30;
    private static final long MAX_RECOVERY_MILLIS = 5_000;
    /**
     * Accept errors in the window: at most a dozen (the backoff's 5 ms to 640 ms steps, then one a second at its
     * cap); thousands in a busy loop.
     */
    private static final long MAX_ACCEPT_ERRORS_IN_WINDOW = 30;
    private static final Pattern NETTY_JARS =
            Pattern.compile("netty-(common|buffer|resolver|transport|transport-native-unix-common)-\\d.*\\.jar");

    /** The server under test, and how to count its accept errors from its output. */
    enum Server {
        /** The examples jar's echo-server: boss and worker loop, Netty's acceptor pauses autoRead on errors. */
        EXAMPLE_ECHO_SERVER {
            @Override
            List<String> javaArguments() {
                return List.of("-jar", ChildProcess.examplesJar().toString(),
                        "echo-server", "--transport", "gonetpoll", "--port", "0");
            }

            /**
         * One warning per error reaches the tail of the listener's pipeline and is logged as it happens, so the
         * count is as new as the output the drain has read.
         */
            @Override
            long acceptErrors(ChildProcess process) {
                return process.output().split("Too many open files", -1).length - 1;
            }
        },
        /** One loop, errors swallowed before the acceptor: nothing but the transport paces the accepts. */
        ACCEPT_ERRORS_SWALLOWED {
            @Override
            List<String> javaArguments() {
                return List.of("-cp", minimalClassPath(), AcceptErrorsSwallowedServerMain.class.getName());
            }

            /**
             * Asked on stdin and answered on stdout, so the count is at least as new as the question: the errors of
             * the burst of connections (one per connection that arrives at the limit) precede the window.
             */
            @Override
            long acceptErrors(ChildProcess process) throws IOException, InterruptedException {
                String token = Long.toString(System.nanoTime());
                process.sendLine(token);
                Pattern answer = Pattern.compile("accept-errors=(\\d+) for " + token);
                return Long.parseLong(process.awaitLine(answer, SOCKET_TIMEOUT_MILLIS / 1000).group(1));
            }
        };

        abstract List<String> javaArguments();

        /**
         * The test classes, GoNetpoll and the Netty jars it needs, not the whole test class path: the JVM keeps
         * an fd per jar it opened, and a jar opened late (a class first loaded during the exhaustion) would fail.
         */
        private static String minimalClassPath() {
            return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                    .filter(entry -> entry.endsWith("test-classes") || entry.contains("gonetpoll")
                            || NETTY_JARS.matcher(Path.of(entry).getFileName().toString()).matches())
                    .collect(Collectors.joining(File.pathSeparator));
        }

        abstract long acceptErrors(ChildProcess process) throws IOException, InterruptedException;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void acceptBacksOffWithoutSpinningAndResumesWhenFdsAreFreed(Server kind) throws Exception {
        Path logging = quietTimeFreeLogging();
        List<Socket> extra = new ArrayList<>();
        try (ChildProcess server = startWithFdLimit(kind, logging)) {
            int port = Integer.parseInt(server.awaitLine(ChildProcess.LISTENING, 60).group(2));
            long pid = server.handle().pid();
            // Taken with the child running: its pipes are not the subject, and class loading is done by now.
            OpenFiles.Baseline testFdsBefore = OpenFiles.baseline();
            try (Socket established = connect(port)) {
                echo(established, 1, server);
                long serverFds = ProcFs.openFds(pid);
                long serverSockets = ProcFs.socketFds(pid);
                assertTrue(FD_LIMIT - serverFds >= 16, "too few fds left for the test to mean anything: "
                        + serverFds + " of " + FD_LIMIT + " in use after start-up");

                for (int i = 0; i < EXTRA_CONNECTIONS; i++) {
                    Socket socket = connect(port);
                    extra.add(socket);
                    socket.getOutputStream().write(i);
                }
                assertEquals(FD_LIMIT, OpenFiles.awaitValue(() -> ProcFs.openFds(pid), FD_LIMIT, 10),
                        () -> "the server never reached its fd limit\n" + server.output());
                // Each connection the server accepted holds one of its sockets, the rest wait in the queue: wait
                // for exactly that many echoes, however long they take.
                int accepted = (int) (ProcFs.socketFds(pid) - serverSockets);
                assertEquals(accepted, awaitEchoes(extra, accepted),
                        () -> "echoes from the connections accepted up to the fd limit\n" + server.output());
                List<Socket> pending = notEchoed(extra);
                assertTrue(accepted > 0 && !pending.isEmpty(), "accepted " + accepted + ", pending " + pending.size());

                long errorsBefore = kind.acceptErrors(server);
                long ticksBefore = ProcFs.cpuTicks(pid);
                long start = System.nanoTime();
                int echoes = 0;
                while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(WINDOW_MILLIS)) {
                    echo(established, 2 + echoes++, server);
                    Thread.sleep(250);
                }
                double wallSeconds = (System.nanoTime() - start) / 1e9;
                double cpuShare = (ProcFs.cpuTicks(pid) - ticksBefore) / (double) ProcFs.CLOCK_TICKS_PER_SECOND
                        / wallSeconds;
                long errorsInWindow = kind.acceptErrors(server) - errorsBefore;
                System.out.printf("fd exhaustion (%s): %d accepted, %d queued, server CPU %.1f %% of %.1f s wall, "
                        + "%d accept errors in it (%d in all), %d echoes on the established connection%n", kind,
                        accepted, pending.size(), cpuShare * 100, wallSeconds, errorsInWindow,
                        kind.acceptErrors(server), echoes);
                assertTrue(cpuShare < MAX_CPU_SHARE, "server CPU while accept fails: " + cpuShare * 100 + " %");
                assertTrue(errorsInWindow <= MAX_ACCEPT_ERRORS_IN_WINDOW, "accept errors in "
                        + WINDOW_MILLIS + " ms: " + errorsInWindow);
                assertEquals(pending.size(), notEchoed(pending).size(), "connections left the queue at the limit");
                assertTrue(kind.acceptErrors(server) > 0, () -> "the server never reported EMFILE\n" + server.output());

                // Free fds in the server by closing connections it accepted. No connection arrives meanwhile, so
                // the listener gets no new edge: only its accept retry can take the queued connections now.
                List<Socket> acceptedSockets = new ArrayList<>(extra);
                acceptedSockets.removeAll(pending);
                int expected = Math.min(pending.size(), accepted);
                long recoveryStart = System.nanoTime();
                closeAll(acceptedSockets);
                int taken = awaitEchoes(pending, expected);
                long recoveryMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - recoveryStart);
                System.out.printf("fd exhaustion (%s): %d of %d queued connections echoed %d ms after %d accepted "
                        + "ones were closed%n", kind, taken, pending.size(), recoveryMillis, accepted);
                assertEquals(expected, taken, () -> "queued connections accepted once fds were free\n"
                        + server.output());

                closeAll(extra);
                try (Socket fresh = connect(port)) {
                    echo(fresh, 7, server);
                    echo(established, 99, server);
                    // Every closed connection was read to EOF and closed: of the extra ones, only `fresh` is left.
                    // Sockets, not all fds: the JVM's own files under /proc and /sys come and go (OpenFiles).
                    assertEquals(serverSockets + 1, OpenFiles.awaitValue(() -> ProcFs.socketFds(pid),
                            serverSockets + 1, 10), "server sockets after recovery");
                }
            }
            closeAll(extra);
            assertEquals(Map.of(), testFdsBefore.awaitOpenedSinceClosed(10), "test JVM fds opened and still open");
            assertTrue(server.isAlive(), server::output);
        } finally {
            closeAll(extra);
            Files.deleteIfExists(logging);
        }
    }

    /**
     * {@code ulimit -n} sets the soft and the hard limit, so the JVM cannot raise it (MaxFDLimit); exec keeps the
     * pid, so {@link ChildProcess#handle()} is the JVM.
     */
    private static ChildProcess startWithFdLimit(Server kind, Path logging) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n \"$0\" && exec \"$@\"",
                Integer.toString(FD_LIMIT), ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid",
                "-Djava.util.logging.config.file=" + logging));
        command.addAll(kind.javaArguments());
        return ChildProcess.start(kind + " with " + FD_LIMIT + " fds", command);
    }

    /**
     * A java.util.logging configuration without local time: the default SimpleFormatter loads the time-zone
     * database (a file) at the first log record, which is the accept error's warning, so at EMFILE it fails with
     * an Error that kills the boss loop. XMLFormatter prints UTC instants and opens nothing.
     */
    private static Path quietTimeFreeLogging() throws IOException {
        Path file = Files.createTempFile("gonetpoll-fault-logging", ".properties");
        Files.writeString(file, "handlers=java.util.logging.ConsoleHandler\n"
                + "java.util.logging.ConsoleHandler.formatter=java.util.logging.XMLFormatter\n");
        return file;
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MILLIS);
        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
        return socket;
    }

    /** Writes one byte and expects it back within SOCKET_TIMEOUT_MILLIS. */
    private static void echo(Socket socket, int value, ChildProcess server) throws IOException {
        socket.getOutputStream().write(value);
        int read;
        try {
            read = socket.getInputStream().read();
        } catch (IOException e) {
            throw new AssertionError("no echo on " + socket + ": " + e + '\n' + server.output(), e);
        }
        assertEquals(value & 0xff, read, "echoed byte");
    }

    /** Waits until {@code expected} of {@code sockets} have their byte back, or MAX_RECOVERY_MILLIS pass. */
    private static int awaitEchoes(List<Socket> sockets, int expected) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_RECOVERY_MILLIS);
        int echoed = sockets.size() - notEchoed(sockets).size();
        while (echoed < expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            echoed = sockets.size() - notEchoed(sockets).size();
        }
        return echoed;
    }

    /** The sockets whose byte has not come back: their connections still wait in the accept queue. */
    private static List<Socket> notEchoed(List<Socket> sockets) throws IOException {
        List<Socket> pending = new ArrayList<>();
        for (Socket socket : sockets) {
            InputStream in = socket.getInputStream();
            if (in.available() == 0) {
                pending.add(socket);
            }
        }
        return pending;
    }

    private static void closeAll(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Closing is all that matters here.
            }
        }
    }
}
