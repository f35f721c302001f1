package io.gonetpoll.channel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sockets this process holds ({@code /proc/self/fd} links to {@code socket:[inode]}), for unit tests that open
 * connections and must give them all back. Only sockets: the JVM's own files come and go on its threads.
 */
final class OpenSockets {
    private OpenSockets() {
    }

    static long count() {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(OpenSockets::isSocket).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits up to {@code seconds} for the count to return to {@code before} (closes run on the loops), else fails. */
    static void assertBackTo(long before, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long now = count();
        while (now != before && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            now = count();
        }
        assertEquals(before, now, "open sockets");
    }

    private static boolean isSocket(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (NoSuchFileException closedMeanwhile) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
