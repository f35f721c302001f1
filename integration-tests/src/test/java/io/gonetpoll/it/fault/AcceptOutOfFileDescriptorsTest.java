package io.gonetpoll.it.fault;

import io.gonetpoll.it.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Accept while the process is out of file descriptors. The examples echo server runs on GoNetpoll in a child
 * JVM whose RLIMIT_NOFILE is low ({@code prlimit}); the test connects until its accepts fail with EMFILE and
 * more connections wait in the backlog. What must hold: the loop does not spin (a listener whose edge keeps
 * firing, or an accept retried in a loop, would burn a core — here the server's CPU time from /proc must stay
 * under a third of the wall time), a connection established before the exhaustion is still served during it,
 * and once the connections are closed and their fds freed the server accepts and serves again.
 */
class AcceptOutOfFileDescriptorsTest {
    /** Enough for the JVM (jars, epoll fd, eventfd, ...) and a few dozen sockets. */
    private static final int FD_LIMIT = 128;
    private static final long CLOCK_TICKS_PER_SECOND = 100;
    private static final int MEASURE_MILLIS = 3000;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void noSpinKeepsServingAndAcceptsAgain() throws Exception {
        try (ChildProcess server = ChildProcess.start("echo-server with " + FD_LIMIT + " fds", List.of(
                "prlimit", "--nofile=" + FD_LIMIT + ":" + FD_LIMIT, "--", ChildProcess.javaExecutable(),
                "-Xmx256m", "-jar", ChildProcess.examplesJar().toString(),
                "echo-server", "--transport", "gonetpoll", "--port", "0"))) {
            int port = Integer.parseInt(server.awaitLine(ChildProcess.LISTENING, 60).group(2));
            long pid = server.handle().descendants().map(ProcessHandle::pid).findFirst()
                    .orElse(server.handle().pid());
            List<Socket> flood = new ArrayList<>();
            try (Socket established = connect(port)) {
                assertEchoes(established, 1);

                // More connections than fds are left: the kernel completes them all (backlog 4096), the
                // server accepts until EMFILE and the rest wait.
                long free = FD_LIMIT - openFds(pid);
                for (int i = 0; i < free + 32; i++) {
                    flood.add(connect(port));
                }
                awaitTrue(() -> server.output().contains("Too many open files"), 20,
                        () -> "the server never ran out of fds\n" + server.output());

                long cpuBefore = cpuTicks(pid);
                long start = System.nanoTime();
                Thread.sleep(MEASURE_MILLIS);
                double cpuShare = (cpuTicks(pid) - cpuBefore) / (double) CLOCK_TICKS_PER_SECOND
                        / ((System.nanoTime() - start) / 1e9);
                System.out.printf("server CPU while out of fds: %.1f%% of one core%n", cpuShare * 100);
                assertTrue(cpuShare < 0.33, "the server spins while out of fds: " + cpuShare * 100 + "% CPU");

                assertEchoes(established, 2);
                assertTrue(server.isAlive(), server::output);
            } finally {
                for (Socket socket : flood) {
                    socket.close();
                }
            }
            // Every flood connection closed: the server closes its side, accepts and closes the ones still queued,
            // and has fds again.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean served = false;
            while (!served && System.nanoTime() < deadline) {
                try (Socket fresh = connect(port)) {
                    fresh.setSoTimeout(2000);
                    assertEchoes(fresh, 3);
                    served = true;
                } catch (IOException notYet) {
                    Thread.sleep(100);
                }
            }
            assertTrue(served, "no new connection was served after the fds were freed\n" + server.output());
        }
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(5000);
        return socket;
    }

    private static void assertEchoes(Socket socket, int round) throws IOException {
        byte[] out = ("round " + round).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        socket.getOutputStream().write(out);
        byte[] in = new byte[out.length];
        InputStream input = socket.getInputStream();
        int n = 0;
        while (n < in.length) {
            int read = input.read(in, n, in.length - n);
            if (read < 0) {
                throw new IOException("EOF after " + n + " bytes of the echo");
            }
            n += read;
        }
        assertArrayEquals(out, in, "echo of round " + round);
    }

    private static long openFds(long pid) throws IOException {
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        }
    }

    /** utime + stime in clock ticks: fields 14 and 15 of /proc/PID/stat (counted after the command name). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitTrue(Condition condition, int seconds, java.util.function.Supplier<String> message)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(message.get());
            }
            Thread.sleep(50);
        }
    }
}
