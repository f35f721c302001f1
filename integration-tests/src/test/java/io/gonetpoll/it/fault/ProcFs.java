package io.gonetpoll.it.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What {@code /proc} says about a process: CPU time, open fds, and what the fds point at. */
final class ProcFs {
    /**
     * Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}). Linux fixes USER_HZ at
     * 100 for user space on every architecture we run on, whatever the kernel's internal HZ.
     */
    static final int CLOCK_TICKS_PER_SECOND = 100;

    private ProcFs() {
    }

    /** utime + stime of {@code pid} (fields 14 and 15 of {@code /proc/<pid>/stat}), in clock ticks. */
    static long cpuTicks(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) is in parentheses and may contain spaces: split what follows the last ')'.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }

    /** Open fds of {@code pid}; listing the directory opens nothing in that process. */
    static long openFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Open sockets of {@code pid}: its fds that link to {@code socket:[inode]}. */
    static long socketFds(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
