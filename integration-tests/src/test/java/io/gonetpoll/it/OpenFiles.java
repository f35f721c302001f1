package io.gonetpoll.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/** File descriptors of this process, from {@code /proc/self/fd}. */
public final class OpenFiles {
    /**
     * The JDK's NativePRNG opens these at the first use of a SecureRandom in the process and keeps them: a test
     * that happens to run first would see them appear.
     */
    private static final Set<String> RANDOM_DEVICES = Set.of("/dev/random", "/dev/urandom");

    private OpenFiles() {
    }

    /**
     * Open fds, not counting files under {@code /proc} and {@code /sys}. Those are the JVM's own and come and
     * go on its threads: HotSpot's compiler threads read the cgroup memory limit
     * ({@code /sys/fs/cgroup/memory/.../memory.limit_in_bytes}) while deciding whether to start another compiler
     * thread, and one such fd open at a test's baseline and closed at its check failed 2 of 8 runs of the fault
     * tests on 2026-12-02; the listing's own {@code /proc/self/fd} directory is one too. Nor the random devices
     * ({@link #RANDOM_DEVICES}). Sockets, pipes, eventfds and epoll fds, which is what the transport opens, all
     * count.
     */
    public static long count() {
        return targets().values().stream().filter(target -> !isJvmInternal(target)).count();
    }

    /** fd number → link target; an fd closed between the listing and its readlink is left out. */
    private static Map<Integer, String> targets() {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            entries.forEach(entry -> {
                try {
                    fds.put(Integer.parseInt(entry.getFileName().toString()), Files.readSymbolicLink(entry).toString());
                } catch (NoSuchFileException closedMeanwhile) {
                    // The listing's own directory fd, or an fd closed between list and readlink.
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return fds;
    }

    /** The fds open now, for a later check that every fd opened after this moment was closed again. */
    public static Baseline baseline() {
        return new Baseline(targets());
    }

    /**
     * The fds of this process at one moment. A test that opens and closes fds checks that every fd opened since
     * is closed again ({@link #awaitOpenedSinceClosed}), not that the process has as many fds as before: in the
     * shared test JVM, fds of others close meanwhile (the closes of an earlier test class still running on Netty's
     * testsuite loop groups, which are never shut down), and a count would blame the test for them. An fd counts
     * as the same when its number and its link target are: sockets and pipes carry their inode in the target, so a
     * socket opened since cannot pass for an old one; two fds of one anonymous kind ({@code anon_inode:[eventfd]})
     * could, if the old one closed and the new one took its number, which only an fd closed by others permits.
     */
    public static final class Baseline {
        private final Map<Integer, String> fds;

        private Baseline(Map<Integer, String> fds) {
            this.fds = fds;
        }

        /** fd → target of the fds open now that were not at the baseline, the JVM's own files left out. */
        public Map<Integer, String> openedSince() {
            Map<Integer, String> opened = new TreeMap<>();
            targets().forEach((fd, target) -> {
                if (!target.equals(fds.get(fd)) && !isJvmInternal(target)) {
                    opened.put(fd, target);
                }
            });
            return opened;
        }

        /**
         * Polls until every fd opened since the baseline is closed or {@code seconds} pass; returns those still
         * open (empty if none). Closing happens on event loops, shortly after the calls that trigger it return.
         */
        public Map<Integer, String> awaitOpenedSinceClosed(int seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Map<Integer, String> open = openedSince();
            while (!open.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                open = openedSince();
            }
            return open;
        }
    }

    /**
     * Files under {@code /proc} and {@code /sys} are the JVM's own and come and go on its threads: HotSpot's
     * compiler threads read the cgroup memory limit ({@code /sys/fs/cgroup/memory/.../memory.limit_in_bytes})
     * while deciding whether to start another compiler thread, and such an fd open at a check would be blamed on
     * the test; the listing's own {@code /proc/self/fd} directory is one too. Sockets, pipes, eventfds and epoll
     * fds, which is what the transport opens, all count.
     */
    private static boolean isJvmInternal(String target) {
        return target.startsWith("/proc/") || target.startsWith("/sys/") || RANDOM_DEVICES.contains(target);
    }

    /**
     * Polls {@code value} until it equals {@code expected} or {@code seconds} pass; returns the last value.
     * Closing happens on event loops, so counts settle shortly after the calls that trigger it return.
     */
    public static long awaitValue(LongSupplier value, long expected, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long current = value.getAsLong();
        while (current != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            current = value.getAsLong();
        }
        return current;
    }
}
