package io.gonetpoll.benchmarks.soak;

import io.gonetpoll.benchmarks.LiveHeap;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the soak server measures of itself: open fds, the live heap after a full GC, threads, direct memory. */
final class ServerSample {
    final long fds;
    final long heapAfterGc;
    final int threads;
    final long directMemory;

    private ServerSample(long fds, long heapAfterGc, int threads, long directMemory) {
        this.fds = fds;
        this.heapAfterGc = heapAfterGc;
        this.threads = threads;
        this.directMemory = directMemory;
    }

    /** Collects first ({@link System#gc()}), so the heap is the live set and unreachable buffers can be reported. */
    static ServerSample take() {
        System.gc();
        return new ServerSample(openFds(), LiveHeap.afterLastGc(), ManagementFactory.getThreadMXBean().getThreadCount(),
                PlatformDependent.usedDirectMemory());
    }

    /**
     * Entries of {@code /proc/self/fd}, without the JVM's own files under {@code /proc} and {@code /sys}, which
     * come and go on its threads (a compiler thread reads the cgroup memory limit, this listing is one too).
     */
    private static long openFds() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return !target.startsWith("/proc/") && !target.startsWith("/sys/");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return "fds=" + fds + " heap-after-gc=" + mib(heapAfterGc) + " threads=" + threads
                + " direct=" + mib(directMemory);
    }

    static String mib(long bytes) {
        return String.format("%.1fMiB", bytes / (double) (1 << 20));
    }
}
