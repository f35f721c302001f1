package io.gonetpoll.channel;

import io.netty.channel.ChannelException;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.Socket;

import java.io.IOException;

/**
 * Netty's unix {@link Socket} plus what it lacks: the Linux TCP/IP options GoNetpoll exposes (read and written
 * through {@code getsockopt/setsockopt} with constants from our C file) and {@code sendfile}.
 */
final class GoNetpollSocket extends Socket {
    static {
        // Netty's unix natives are registered by loading ours; a channel may be created before any loop exists.
        GoNetpoll.ensureAvailability();
    }

    /**
     * Bytes the kernel said were still queued after the last {@link #recvQueued}, or {@code -1} when it did not
     * say (TCP_INQ unsupported or off, or that recv failed). Loop thread.
     */
    private int queuedAfterRecv = -1;

    GoNetpollSocket(int fd) {
        super(fd);
    }

    /** A new TCP socket, with {@link #reportQueuedBytes()} on (a listener's accepted sockets inherit it). */
    static GoNetpollSocket newStream(SocketProtocolFamily family) {
        GoNetpollSocket socket = new GoNetpollSocket(family == null ? newSocketStream0() : newSocketStream0(family));
        socket.reportQueuedBytes();
        return socket;
    }

    /**
     * Turns on TCP_INQ (Linux 4.18+): every recv then also says how many bytes are left in the receive queue.
     * That is what lets an edge-triggered read loop stop exactly when the socket is empty, even when a read
     * filled its buffer to the last byte, where "a short read means drained" cannot tell (see
     * GoNetpollSocketChannel's read loop). Where the kernel refuses, reads fall back on that rule; nothing else
     * changes, so the refusal is not an error.
     */
    void reportQueuedBytes() {
        try {
            setTcpOption(Native.TCP_INQ, 1);
        } catch (IOException ignored) {
            // ENOPROTOOPT before 4.18: no counts, the short-read rule alone decides
        }
    }

    /**
     * One recv into {@code [address + pos, address + limit)}, as Netty's {@code recvAddress}: the bytes read,
     * {@code 0} if it would block, {@code -1} at EOF; errors throw the same {@link Errors.NativeIoException}s.
     * Afterwards {@link #queuedAfterRecv()} tells what is left.
     */
    int recvQueued(long address, int pos, int limit) throws IOException {
        long res = Native.recvQueued0(intValue(), address, pos, limit);
        if (res < 0) {
            queuedAfterRecv = -1;
            return Errors.ioResult("recvmsg", (int) res);
        }
        // IMPORTANT: the packing is gonetpoll_native_recvQueued's: (queued + 1) << 32 | bytes.
        queuedAfterRecv = (int) (res >>> 32) - 1;
        int read = (int) res;
        return read == 0 ? -1 : read;
    }

    /** See {@link #queuedAfterRecv}: bytes left after the last recv, {@code -1} if unknown. */
    int queuedAfterRecv() {
        return queuedAfterRecv;
    }

    boolean isIpv6() {
        return ipv6;
    }

    long sendFile(DefaultFileRegion region, long position, long offset, long count) throws IOException {
        // Opens the file lazily, as DefaultFileRegion.transferTo would.
        region.open();
        return Native.sendFile(intValue(), region, position, offset, count);
    }

    int getTcpOption(int option) throws IOException {
        return getIntOpt(Native.IPPROTO_TCP, option);
    }

    void setTcpOption(int option, int value) throws IOException {
        setIntOpt(Native.IPPROTO_TCP, option, value);
    }

    boolean isIpTransparent() throws IOException {
        return getIntOpt(ipLevel(), ipTransparentOption()) != 0;
    }

    void setIpTransparent(boolean transparent) throws IOException {
        setIntOpt(ipLevel(), ipTransparentOption(), transparent ? 1 : 0);
    }

    /** IP_FREEBIND lives at SOL_IP for both families (the IPv6 stack reads the same inet flag). */
    boolean isIpFreeBind() throws IOException {
        return getIntOpt(Native.SOL_IP, Native.IP_FREEBIND) != 0;
    }

    void setIpFreeBind(boolean freeBind) throws IOException {
        setIntOpt(Native.SOL_IP, Native.IP_FREEBIND, freeBind ? 1 : 0);
    }

    private int ipLevel() {
        return ipv6 ? Native.SOL_IPV6 : Native.SOL_IP;
    }

    private int ipTransparentOption() {
        return ipv6 ? Native.IPV6_TRANSPARENT : Native.IP_TRANSPARENT;
    }

    /** Wraps an option failure the way Netty's configs do. */
    static ChannelException optionFailure(IOException e) {
        return new ChannelException(e);
    }
}
