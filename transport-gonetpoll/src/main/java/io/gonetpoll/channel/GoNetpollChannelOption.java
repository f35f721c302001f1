package io.gonetpoll.channel;

import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannelOption;

/**
 * Linux socket options of GoNetpoll channels that Netty's {@link ChannelOption} does not define. The rest are
 * Netty's: {@link ChannelOption} ({@code SO_*}, {@code TCP_NODELAY}, {@code IP_TOS}, {@code TCP_FASTOPEN},
 * {@code TCP_FASTOPEN_CONNECT}, ...) and {@link UnixChannelOption#SO_REUSEPORT}; raw options go through
 * {@link io.netty.channel.unix.IntegerUnixChannelOption} and {@link io.netty.channel.unix.RawUnixChannelOption}.
 * Meanings are those of {@code tcp(7)}, {@code ip(7)} and {@code socket(7)}; every setter rejects a value the
 * kernel would reject with an {@link IllegalArgumentException} naming the option and the value.
 *
 * <p>Where Netty's epoll transport has the same option, the constant here IS epoll's
 * ({@code EpollChannelOption.TCP_CORK == GoNetpollChannelOption.TCP_CORK}, and so on): frameworks that configure
 * epoll's options whenever epoll is available (gRPC-java sets {@code TCP_USER_TIMEOUT} on its clients) keep
 * their settings on GoNetpoll, without GoNetpoll depending on the epoll classes. Netty's constants are keyed
 * by name in one JVM-wide pool, so naming epoll's constant gives the same instance whichever class is loaded
 * first.
 */
public final class GoNetpollChannelOption<T> extends UnixChannelOption<T> {
    /** IMPORTANT: must match the class that declares Netty's epoll options (checked by ChannelConfigTest). */
    private static final String EPOLL_OPTIONS = "io.netty.channel.epoll.EpollChannelOption";

    /** {@code TCP_CORK}: hold partial frames until uncorked (or 200 ms). Socket channels. */
    public static final ChannelOption<Boolean> TCP_CORK = epoll("TCP_CORK");
    /**
     * {@code TCP_NOTSENT_LOWAT}: bytes of unsent data above which the socket is not writable, 0 to 2^32-1.
     * Socket channels.
     */
    public static final ChannelOption<Long> TCP_NOTSENT_LOWAT = epoll("TCP_NOTSENT_LOWAT");
    /** {@code TCP_KEEPIDLE}: seconds of idleness before keepalive probes start, 1 to 32767. Socket channels. */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = epoll("TCP_KEEPIDLE");
    /** {@code TCP_KEEPINTVL}: seconds between keepalive probes, 1 to 32767. Socket channels. */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = epoll("TCP_KEEPINTVL");
    /** {@code TCP_KEEPCNT}: unanswered probes before the connection is dropped, 1 to 127. Socket channels. */
    public static final ChannelOption<Integer> TCP_KEEPCNT = epoll("TCP_KEEPCNT");
    /**
     * {@code TCP_USER_TIMEOUT}: milliseconds transmitted data may stay unacknowledged before the connection is
     * dropped, 0 (system default) or more. Socket channels.
     */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT = epoll("TCP_USER_TIMEOUT");
    /** {@code TCP_QUICKACK}: send ACKs at once instead of delaying them (not sticky in the kernel). Socket channels. */
    public static final ChannelOption<Boolean> TCP_QUICKACK = epoll("TCP_QUICKACK");
    /**
     * {@code TCP_DEFER_ACCEPT}: seconds a listener may hold a new connection until its first data arrives, 0 (off)
     * or more. Server socket channels.
     */
    public static final ChannelOption<Integer> TCP_DEFER_ACCEPT = epoll("TCP_DEFER_ACCEPT");
    /**
     * {@code SO_BUSY_POLL}: microseconds the kernel may busy-poll the device for a read that would block, 0 (off)
     * or more; raising it above the system's {@code net.core.busy_read} needs {@code CAP_NET_ADMIN}. Socket
     * channels.
     */
    public static final ChannelOption<Integer> SO_BUSY_POLL = epoll("SO_BUSY_POLL");
    /**
     * {@code IP_BIND_ADDRESS_NO_PORT}: a bind to port 0 before connect leaves the port to the connect, so that
     * many clients can share a local address. Socket channels. The same constant as Netty's
     * {@code EpollChannelOption.IP_BIND_ADDRESS_NO_PORT}.
     */
    public static final ChannelOption<Boolean> IP_BIND_ADDRESS_NO_PORT = valueOf("IP_BIND_ADDRESS_NO_PORT");
    /**
     * {@code IP_FREEBIND}: allow binding to an address that is not (yet) local. Server, socket and datagram
     * channels. The same constant as Netty's {@code EpollChannelOption.IP_FREEBIND} (both are
     * {@code valueOf("IP_FREEBIND")}).
     */
    public static final ChannelOption<Boolean> IP_FREEBIND = valueOf("IP_FREEBIND");
    /**
     * {@code IP_MULTICAST_ALL} (and {@code IPV6_MULTICAST_ALL} on IPv6 sockets): whether a socket bound to the
     * wildcard address receives the traffic of every multicast group any socket of the host joined, not only of
     * its own. Off by default (turned off at creation, as on epoll). Datagram channels. The same constant as
     * Netty's {@code EpollChannelOption.IP_MULTICAST_ALL}.
     */
    public static final ChannelOption<Boolean> IP_MULTICAST_ALL = valueOf("IP_MULTICAST_ALL");
    /**
     * {@code IP_RECVORIGDSTADDR} (and {@code IPV6_RECVORIGDSTADDR} on IPv6 sockets): each received
     * {@code DatagramPacket}'s recipient is the address the datagram was sent to — for a transparent proxy's
     * socket ({@link #IP_TRANSPARENT}), the original destination — instead of the channel's local address. Off by
     * default. Datagram channels. The same constant as Netty's {@code EpollChannelOption.IP_RECVORIGDSTADDR}.
     */
    public static final ChannelOption<Boolean> IP_RECVORIGDSTADDR = valueOf("IP_RECVORIGDSTADDR");
    /**
     * {@code IP_TRANSPARENT} ({@code IPV6_TRANSPARENT} on IPv6 sockets): transparent proxying; needs
     * {@code CAP_NET_ADMIN}. Server, socket and datagram channels. The same constant as Netty's
     * {@code EpollChannelOption.IP_TRANSPARENT}.
     */
    public static final ChannelOption<Boolean> IP_TRANSPARENT = valueOf("IP_TRANSPARENT");

    /**
     * {@code MAX_DATAGRAM_PAYLOAD_SIZE}: the largest datagram a UDP channel expects, {@code 0} (the default) for
     * "any that fits the read buffer". When set and the read buffer holds two or more datagrams of this size, a
     * read takes that many with one {@code recvmmsg}, each delivered as a slice of the buffer; a longer datagram
     * is truncated to this size. Datagram channels. The same constant as Netty's
     * {@code EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE}.
     */
    public static final ChannelOption<Integer> MAX_DATAGRAM_PAYLOAD_SIZE = epoll("MAX_DATAGRAM_PAYLOAD_SIZE");
    /**
     * {@code UDP_GRO}: let the kernel hand several datagrams of one flow to one read (Linux 5.0+); the channel
     * still delivers them one {@code DatagramPacket} each. The read buffer (with {@link #MAX_DATAGRAM_PAYLOAD_SIZE},
     * each {@code recvmmsg} slot) must hold the coalesced datagrams (up to 64 KiB). Datagram channels. The same constant as Netty's {@code EpollChannelOption.UDP_GRO}.
     */
    public static final ChannelOption<Boolean> UDP_GRO = epoll("UDP_GRO");

    /**
     * Milliseconds a read may wait for data, {@code 0} (the default) for no limit; socket and datagram channels,
     * also as a {@code childOption}. Each read request sets the read deadline to now + this (Go:
     * {@code conn.SetReadDeadline(time.Now().Add(d))} before each {@code Read}), so with auto-read the clock
     * restarts after every read. When it passes, {@link ReadDeadlineExceededException} reaches
     * {@code exceptionCaught} and the channel stays open: a handler that closes on it is a
     * {@code ReadTimeoutHandler} without the handler, one that does not sees it again after every further
     * timeout of silence. A deadline set with {@link GoNetpollDeadlineChannel#setReadDeadline(long)} takes
     * precedence until it is cleared. Moving the deadline later costs no timer operation (see {@link DeadlineTimer}).
     */
    public static final ChannelOption<Integer> READ_TIMEOUT_MILLIS =
            valueOf(GoNetpollChannelOption.class, "READ_TIMEOUT_MILLIS");
    /**
     * Milliseconds a flush may stay parked without progress (the peer does not take data), {@code 0} (the
     * default) for no limit; socket and datagram channels, also as a {@code childOption}. Armed when a flush
     * parks, moved later at each further park, cleared when the outbound buffer drains. When it passes, the
     * flushed messages fail with {@link WriteDeadlineExceededException} and a stream channel closes (see
     * {@link GoNetpollDeadlineChannel#setWriteDeadline(long)}). A deadline set by the user takes precedence.
     */
    public static final ChannelOption<Integer> WRITE_TIMEOUT_MILLIS =
            valueOf(GoNetpollChannelOption.class, "WRITE_TIMEOUT_MILLIS");

    @SuppressWarnings("unused")
    private GoNetpollChannelOption() {
    }

    /** Epoll's constant of that name: the same instance as {@code EpollChannelOption.<name>}. */
    private static <T> ChannelOption<T> epoll(String name) {
        return valueOf(EPOLL_OPTIONS + '#' + name);
    }
}
