package io.gonetpoll.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/** File descriptors of this process, from {@code /proc/self/fd}. */
public final class OpenFiles {
    private OpenFiles() {
    }

    public static long count() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
