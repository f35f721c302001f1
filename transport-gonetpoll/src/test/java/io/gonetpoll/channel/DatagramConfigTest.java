package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.UnixChannelOption;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options of {@link GoNetpollDatagramChannel} against Netty's {@link EpollDatagramChannel} of the same family in
 * the same JVM: the same defaults, and a value set on both reads back the same from the kernel (for
 * {@code IP_MULTICAST_TTL}, NIO's channel: see {@link #multicastTtlIsNios()}); bad values are refused with a
 * message naming the option. Unregistered channels: options go straight to the socket.
 */
class DatagramConfigTest {
    private final List<Channel> channels = new ArrayList<>();

    @BeforeAll
    static void epoll() {
        Epoll.ensureAvailability();
    }

    @AfterEach
    void close() {
        channels.forEach(channel -> channel.unsafe().closeForcibly());
    }

    private <C extends Channel> C track(C channel) {
        channels.add(channel);
        return channel;
    }

    static Stream<Arguments> options() {
        List<Arguments> rows = new ArrayList<>();
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            rows.add(Arguments.of(family, ChannelOption.SO_BROADCAST, true));
            rows.add(Arguments.of(family, ChannelOption.SO_REUSEADDR, true));
            rows.add(Arguments.of(family, UnixChannelOption.SO_REUSEPORT, true));
            rows.add(Arguments.of(family, ChannelOption.SO_RCVBUF, 65536));
            rows.add(Arguments.of(family, ChannelOption.SO_SNDBUF, 65536));
            rows.add(Arguments.of(family, ChannelOption.IP_TOS, 0x10));
            rows.add(Arguments.of(family, ChannelOption.IP_MULTICAST_LOOP_DISABLED, true));
            rows.add(Arguments.of(family, GoNetpollChannelOption.IP_FREEBIND, true));
            rows.add(Arguments.of(family, GoNetpollChannelOption.IP_MULTICAST_ALL, true));
            rows.add(Arguments.of(family, GoNetpollChannelOption.IP_RECVORIGDSTADDR, true));
        }
        return rows.stream();
    }

    @ParameterizedTest
    @MethodSource("options")
    <T> void defaultsAndValuesAreEpolls(SocketProtocolFamily family, ChannelOption<T> option, T value) {
        Channel ours = track(new GoNetpollDatagramChannel(family));
        Channel epoll = track(new EpollDatagramChannel(family));
        assertEquals(epoll.config().getOption(option), ours.config().getOption(option), "default of " + option);
        assertTrue(ours.config().setOption(option, value));
        assertTrue(epoll.config().setOption(option, value));
        assertEquals(epoll.config().getOption(option), ours.config().getOption(option), "after setting " + value);
        assertTrue(ours.config().getOptions().containsKey(option), "getOptions() lists " + option);
    }

    /**
     * {@code IP_MULTICAST_TTL} is the multicast TTL (hop limit on IPv6), as on NIO and as
     * {@code DatagramChannelConfig.getTimeToLive} documents it; Netty's epoll channel reads and writes the unicast
     * {@code IP_TTL} instead (its default is 64), so NIO is the reference here.
     */
    @Test
    void multicastTtlIsNios() {
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            Channel ours = track(new GoNetpollDatagramChannel(family));
            Channel nio = track(new NioDatagramChannel(family));
            assertEquals(nio.config().getOption(ChannelOption.IP_MULTICAST_TTL),
                    ours.config().getOption(ChannelOption.IP_MULTICAST_TTL), family.name());
            ours.config().setOption(ChannelOption.IP_MULTICAST_TTL, 7);
            nio.config().setOption(ChannelOption.IP_MULTICAST_TTL, 7);
            assertEquals(nio.config().getOption(ChannelOption.IP_MULTICAST_TTL),
                    ours.config().getOption(ChannelOption.IP_MULTICAST_TTL), family.name());
        }
    }

    /** The loopback interface as IP_MULTICAST_IF, on both families; null (none chosen) by default. */
    /** A framework configured for epoll sets {@code EpollChannelOption.IP_MULTICAST_ALL}: the same constant. */
    @Test
    void ipMulticastAllIsEpollsConstant() {
        assertSame(EpollChannelOption.IP_MULTICAST_ALL, GoNetpollChannelOption.IP_MULTICAST_ALL);
        Channel ours = track(new GoNetpollDatagramChannel(SocketProtocolFamily.INET6));
        assertTrue(ours.config().setOption(EpollChannelOption.IP_MULTICAST_ALL, true));
        assertTrue(ours.config().getOption(GoNetpollChannelOption.IP_MULTICAST_ALL));
    }

    @Test
    void multicastInterfaceRoundTrips() throws Exception {
        NetworkInterface loopback = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        assertNotNull(loopback);
        for (SocketProtocolFamily family : new SocketProtocolFamily[] {SocketProtocolFamily.INET,
                SocketProtocolFamily.INET6}) {
            Channel ours = track(new GoNetpollDatagramChannel(family));
            assertEquals(null, ours.config().getOption(ChannelOption.IP_MULTICAST_IF), family.name());
            ours.config().setOption(ChannelOption.IP_MULTICAST_IF, loopback);
            assertEquals(loopback, ours.config().getOption(ChannelOption.IP_MULTICAST_IF), family.name());
            assertNotNull(ours.config().getOption(ChannelOption.IP_MULTICAST_ADDR), family.name());
        }
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        Channel ours = track(new GoNetpollDatagramChannel(SocketProtocolFamily.INET));
        IllegalArgumentException ttl = assertThrows(IllegalArgumentException.class,
                () -> ours.config().setOption(ChannelOption.IP_MULTICAST_TTL, 256));
        assertTrue(ttl.getMessage().contains("IP_MULTICAST_TTL"), ttl.getMessage());
        IllegalArgumentException tos = assertThrows(IllegalArgumentException.class,
                () -> ours.config().setOption(ChannelOption.IP_TOS, -1));
        assertTrue(tos.getMessage().contains("IP_TOS"), tos.getMessage());
        assertFalse(ours.config().getOption(ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION));
    }
}
