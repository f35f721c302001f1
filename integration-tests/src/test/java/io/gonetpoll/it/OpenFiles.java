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
    public static Map<Integer, String> targets() {
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
