package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Unix-domain configs honour every option Netty's epoll domain channels list (epoll's own {@code EPOLL_MODE}
 * aside), with epoll's defaults, and the stream options every GoNetpoll stream channel has; compared with
 * epoll's channels in the same JVM.
 */
class DomainSocketConfigTest {
    @Test
    void connectionOptionsAreEpollsAndTheStreamOptions() throws Exception {
        Channel ours = new GoNetpollDomainSocketChannel();
        Channel epoll = new EpollDomainSocketChannel();
        try {
            assertHonoursEpollOptions(ours.config().getOptions(), epoll.config().getOptions());
            Map<ChannelOption<?>, Object> options = ours.config().getOptions();
            assertEquals(DomainSocketReadMode.BYTES, options.get(UnixChannelOption.DOMAIN_SOCKET_READ_MODE));
            assertEquals(false, options.get(ChannelOption.ALLOW_HALF_CLOSURE));
            assertTrue(options.containsKey(GoNetpollChannelOption.READ_TIMEOUT_MILLIS), options.toString());
            assertTrue(options.containsKey(GoNetpollChannelOption.WRITE_TIMEOUT_MILLIS), options.toString());
            assertTrue(ours.config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE,
                    DomainSocketReadMode.FILE_DESCRIPTORS));
            assertEquals(DomainSocketReadMode.FILE_DESCRIPTORS,
                    ours.config().getOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE));
            assertThrows(NullPointerException.class,
                    () -> ours.config().setOption(UnixChannelOption.DOMAIN_SOCKET_READ_MODE, null));
            assertTrue(ours.config().setOption(ChannelOption.SO_SNDBUF, 65536));
            assertEquals(epoll.config().setOption(ChannelOption.SO_SNDBUF, 65536) ? epoll.config()
                    .getOption(ChannelOption.SO_SNDBUF) : null, ours.config().getOption(ChannelOption.SO_SNDBUF));
        } finally {
            ours.unsafe().closeForcibly();
            epoll.unsafe().closeForcibly();
        }
    }

    @Test
    void listenerOptionsAreEpolls() throws Exception {
        Channel ours = new GoNetpollServerDomainSocketChannel();
        Channel epoll = new EpollServerDomainSocketChannel();
        try {
            Map<ChannelOption<?>, Object> epollOptions = epoll.config().getOptions();
            // Stored and never used by epoll's domain listener (see GoNetpollServerDomainSocketChannelConfig).
            epollOptions.remove(ChannelOption.TCP_FASTOPEN);
            assertHonoursEpollOptions(ours.config().getOptions(), epollOptions);
            assertEquals(epoll.config().getOption(ChannelOption.SO_BACKLOG),
                    ours.config().getOption(ChannelOption.SO_BACKLOG));
        } finally {
            ours.unsafe().closeForcibly();
            epoll.unsafe().closeForcibly();
        }
    }

    /** A wrapped fd is active if it is connected (and then knows its peer's path), not otherwise. */
    @Test
    void wrappedFdIsActiveIfConnected(@TempDir Path dir) throws Exception {
        GoNetpoll.ensureAvailability();
        DomainSocketAddress address = new DomainSocketAddress(dir.resolve("l.sock").toString());
        Socket listener = Socket.newSocketDomain();
        Socket client = Socket.newSocketDomain();
        Socket unconnected = Socket.newSocketDomain();
        GoNetpollDomainSocketChannel connected = null;
        GoNetpollDomainSocketChannel notConnected = null;
        try {
            listener.bind(address);
            listener.listen(1);
            assertTrue(client.connect(address));
            connected = new GoNetpollDomainSocketChannel(client.intValue());
            notConnected = new GoNetpollDomainSocketChannel(unconnected.intValue());
            assertTrue(connected.isActive());
            assertEquals(address, connected.remoteAddress());
            assertFalse(notConnected.isActive());
        } finally {
            listener.close();
            if (connected != null) {
                connected.unsafe().closeForcibly();
            } else {
                client.close();
            }
            if (notConnected != null) {
                notConnected.unsafe().closeForcibly();
            } else {
                unconnected.close();
            }
        }
    }

    private static void assertHonoursEpollOptions(Map<ChannelOption<?>, Object> ours,
                                                  Map<ChannelOption<?>, Object> epoll) {
        Set<ChannelOption<?>> missing = new HashSet<>(epoll.keySet());
        missing.remove(EpollChannelOption.EPOLL_MODE);
        missing.removeAll(ours.keySet());
        assertTrue(missing.isEmpty(), "epoll's options missing here: " + missing);
        for (ChannelOption<?> option : epoll.keySet()) {
            if (option == EpollChannelOption.EPOLL_MODE || option == ChannelOption.SO_SNDBUF
                    || option == ChannelOption.SO_RCVBUF) {
                continue;
            }
            Object expected = epoll.get(option);
            Object actual = ours.get(option);
            if (expected instanceof Boolean || expected instanceof Number || expected instanceof Enum) {
                assertEquals(expected, actual, "default of " + option);
            } else {
                // Allocators, estimators, water marks: the same kind (they have no equals of their own).
                assertEquals(expected.getClass(), actual.getClass(), "default of " + option);
                assertEquals(expected.toString().replaceAll("@\\w+", ""),
                        actual.toString().replaceAll("@\\w+", ""), "default of " + option);
            }
        }
    }
}
