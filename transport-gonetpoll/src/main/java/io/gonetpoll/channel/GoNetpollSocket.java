package io.gonetpoll.channel;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.PeerCredentials;
import io.netty.channel.unix.Socket;

import java.io.IOException;

/**
 * Netty's unix {@link Socket} plus what it lacks: the Linux TCP/IP options GoNetpoll exposes (read and written
 * through {@code getsockopt/setsockopt} with constants from {@link SocketNative}), {@code sendfile}, the
 * receive and accept queues' lengths, and a Unix-domain peer's credentials. Unix-domain sockets, their
 * addresses and {@code SCM_RIGHTS} passing ({@code sendFd}/{@code recvFd}) are Netty's own; a Unix stream
 * connection's reads are {@link GoNetpollDomainSocket}'s.
 */
class GoNetpollSocket extends Socket {
    static {
        // Netty's unix natives are registered by loading ours; a channel may be created before any loop exists.
        GoNetpoll.ensureAvailability();
    }

    GoNetpollSocket(int fd) {
        super(fd);
    }

    static GoNetpollSocket newStream(SocketProtocolFamily family) {
        return new GoNetpollSocket(family == null ? newSocketStream0() : newSocketStream0(family));
    }

    /** A Unix-domain stream listener; connections are {@link GoNetpollDomainSocket}s. */
    static GoNetpollSocket newDomainListener() {
        return new GoNetpollSocket(newSocketDomain0());
    }

    /** The peer's pid, uid and gid ({@code SO_PEERCRED}); Unix-domain sockets only. */
    PeerCredentials peerCredentials() throws IOException {
        return SocketNative.peerCredentials(intValue());
    }

    /** Bytes received and not yet read (the receive queue), from {@code ioctl(FIONREAD)}. */
    int receiveQueueBytes() throws IOException {
        return SocketNative.receiveQueueBytes(intValue());
    }

    /** Connections in a listener's accept queue, from {@code getsockopt(TCP_INFO)}. */
    int acceptQueueLength() throws IOException {
        return SocketNative.acceptQueueLength(intValue());
    }

    long sendFile(DefaultFileRegion region, long position, long offset, long count) throws IOException {
        // Opens the file lazily, as DefaultFileRegion.transferTo would.
        region.open();
        return SocketNative.sendFile(intValue(), region, position, offset, count);
    }

    int getTcpOption(int option) throws IOException {
        return getIntOpt(SocketNative.IPPROTO_TCP, option);
    }

    void setTcpOption(int option, int value) throws IOException {
        setIntOpt(SocketNative.IPPROTO_TCP, option, value);
    }

    boolean isIpTransparent() throws IOException {
        return getIntOpt(ipLevel(), ipTransparentOption()) != 0;
    }

    void setIpTransparent(boolean transparent) throws IOException {
        setIntOpt(ipLevel(), ipTransparentOption(), transparent ? 1 : 0);
    }

    /** IP_FREEBIND lives at SOL_IP for both families (the IPv6 stack reads the same inet flag). */
    boolean isIpFreeBind() throws IOException {
        return getIntOpt(SocketNative.SOL_IP, SocketNative.IP_FREEBIND) != 0;
    }

    void setIpFreeBind(boolean freeBind) throws IOException {
        setIntOpt(SocketNative.SOL_IP, SocketNative.IP_FREEBIND, freeBind ? 1 : 0);
    }

    private int ipLevel() {
        return ipv6 ? SocketNative.SOL_IPV6 : SocketNative.SOL_IP;
    }

    private int ipTransparentOption() {
        return ipv6 ? SocketNative.IPV6_TRANSPARENT : SocketNative.IP_TRANSPARENT;
    }
}
