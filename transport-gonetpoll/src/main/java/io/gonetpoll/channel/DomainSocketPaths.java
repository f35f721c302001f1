package io.gonetpoll.channel;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;

/**
 * What the Unix-domain channels do with a {@link DomainSocketAddress}'s path beyond handing it to the kernel.
 * A path that starts with {@code '\0'} is a Linux abstract name (unix(7)): Netty passes the bytes as they are,
 * with the address length cut to the name, so it never touches the file system; errors show it as
 * {@code '@'} + name, as {@code ss} and {@code /proc/net/unix} do.
 */
final class DomainSocketPaths {
    private DomainSocketPaths() {
    }

    static boolean isAbstract(DomainSocketAddress address) {
        return address.path().startsWith("\0");
    }

    /** The path as a message shows it. */
    static String display(DomainSocketAddress address) {
        return isAbstract(address) ? '@' + address.path().substring(1) : address.path();
    }

    /**
     * {@code failure} of {@code syscall} on {@code address}, as the same exception type with the path in its
     * message (Netty's own messages name only the syscall): a {@link Errors.NativeIoException} keeps its errno.
     */
    static IOException naming(DomainSocketAddress address, String syscall, IOException failure) {
        IOException named;
        if (failure instanceof Errors.NativeIoException) {
            named = new Errors.NativeIoException(display(address) + ": " + syscall,
                    ((Errors.NativeIoException) failure).expectedErr());
        } else if (failure instanceof FileNotFoundException) {
            named = new FileNotFoundException(display(address) + ": " + syscall
                    + "(..) failed: No such file or directory");
        } else {
            return failure;
        }
        named.initCause(failure);
        return named;
    }

    /**
     * Deletes a listener's socket file at close, as Netty's epoll listener does; an abstract name has none. A
     * file that is already gone, or cannot be deleted, is left as it is.
     */
    static void deleteSocketFile(DomainSocketAddress address) {
        if (isAbstract(address)) {
            return;
        }
        try {
            Files.deleteIfExists(Paths.get(address.path()));
        } catch (IOException | RuntimeException ignored) {
            // Epoll only logs this at debug level; the close itself succeeded.
        }
    }
}
