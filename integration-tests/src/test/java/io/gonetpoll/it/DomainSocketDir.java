package io.gonetpoll.it;

import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Unix-domain socket addresses for the testsuite's domain-socket classes, in a temporary directory made at the
 * first address and removed, with whatever is left in it, after the class
 * ({@code @ExtendWith(DomainSocketDir.class)}). Epoll's tests use a temporary file's name instead
 * ({@code UnixTestUtils.newDomainSocketAddress()}), in a jar this build does not use.
 */
public final class DomainSocketDir implements AfterAllCallback {
    private static Path dir;

    /** A new path in the directory; nothing exists there yet. */
    public static synchronized DomainSocketAddress newAddress() {
        try {
            if (dir == null) {
                dir = Files.createTempDirectory("gonetpoll-uds");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Short names: sun_path holds 107 bytes.
        return new DomainSocketAddress(dir.resolve(UUID.randomUUID().toString().substring(0, 8) + ".sock")
                .toString());
    }

    /** A Linux abstract name (Netty's encoding: '\0' first), as epoll's {@code EpollAbstractDomainSocketEchoTest}. */
    public static DomainSocketAddress newAbstractAddress() {
        return new DomainSocketAddress("\0gonetpoll-test-" + UUID.randomUUID());
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        removeDir();
    }

    static synchronized void removeDir() throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> entries = Files.walk(dir)) {
            for (Path path : (Iterable<Path>) entries.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(path);
            }
        }
        dir = null;
    }
}
