package io.gonetpoll.channel;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.PeerCredentials;

import java.io.IOException;

/**
 * The JNI surface of the socket calls Netty's unix-common lacks (C: {@code socket_extras.c}): {@code sendfile},
 * the receive and accept queues' lengths, a Unix-domain peer's credentials, and the TCP/IP option and errno
 * constants GoNetpoll uses.
 *
 * <p>Every {@code native …0} method returns the result or {@code -errno}; the wrapper beside it turns
 * {@code -errno} into a {@link Errors.NativeIoException} — the only place that happens. The natives are in the
 * library {@link Native} loads, whose {@code JNI_OnLoad} registers them; class initialisation makes sure that has
 * happened, or fails with {@link GoNetpoll#unavailabilityCause()}.
 */
final class SocketNative {
    // This class is io/gonetpoll/channel/SocketNative; IMPORTANT: must match SOCKET_NATIVE_CLASS in gonetpoll_jni.c.

    static {
        // GoNetpoll's probe initialises Native, which loads the library; Native never touches this class.
        GoNetpoll.ensureAvailability();
    }

    // IMPORTANT: every constant below must have a native function of the same name in socket_extras.c.
    static final int ERRNO_EMFILE = errnoEmfile();
    static final int ERRNO_ENFILE = errnoEnfile();
    static final int ERRNO_ENOBUFS = errnoEnobufs();
    static final int ERRNO_ENOMEM = errnoEnomem();
    static final int ERRNO_ECONNABORTED = errnoEconnaborted();

    static final int SOL_IP = solIp();
    static final int SOL_IPV6 = solIpv6();
    static final int IPPROTO_TCP = ipprotoTcp();
    static final int TCP_CORK = tcpCork();
    static final int TCP_KEEPIDLE = tcpKeepidle();
    static final int TCP_KEEPINTVL = tcpKeepintvl();
    static final int TCP_KEEPCNT = tcpKeepcnt();
    static final int TCP_USER_TIMEOUT = tcpUserTimeout();
    static final int TCP_QUICKACK = tcpQuickack();
    static final int TCP_DEFER_ACCEPT = tcpDeferAccept();
    static final int SOL_SOCKET = solSocket();
    static final int SO_BUSY_POLL = soBusyPoll();
    static final int IP_BIND_ADDRESS_NO_PORT = ipBindAddressNoPort();
    static final int TCP_NOTSENT_LOWAT = tcpNotsentLowat();
    static final int TCP_FASTOPEN = tcpFastopen();
    static final int TCP_FASTOPEN_CONNECT = tcpFastopenConnect();
    static final int IP_FREEBIND = ipFreebind();
    static final int IP_TRANSPARENT = ipTransparent();
    static final int IPV6_TRANSPARENT = ipv6Transparent();

    /**
     * What {@link #sendFile} returns for a region whose {@code FileChannel} is not the JDK's default-file-system
     * one (a zip file system's, say): such a channel has no file descriptor to send from. Below any {@code -errno}.
     */
    static final long SENDFILE_FOREIGN_CHANNEL = sendFileForeignChannel();

    /** Or'ed into what {@link #recvStream} returns when the read ended at ancillary data (MSG_CTRUNC). */
    static final long RECV_STREAM_ANCILLARY = recvStreamCtrunc();

    private SocketNative() {
    }

    /**
     * {@code sendfile(2)} from an opened {@link DefaultFileRegion}; advances its transferred count. Returns the
     * bytes sent, {@code 0} at the end of the file, {@code -1} if the socket buffer is full (EAGAIN), or
     * {@link #SENDFILE_FOREIGN_CHANNEL}, having sent nothing, if the region must be copied instead.
     */
    static long sendFile(int socketFd, DefaultFileRegion region, long position, long offset, long count)
            throws IOException {
        long res = sendFile0(socketFd, region, position, offset, count);
        if (res >= 0 || res == SENDFILE_FOREIGN_CHANNEL) {
            return res;
        }
        if (res == Native.ERRNO_EAGAIN_NEGATIVE) {
            return -1;
        }
        throw Errors.newIOException("sendfile", (int) res);
    }

    /** Bytes waiting in {@code fd}'s receive queue ({@code ioctl(FIONREAD)}). */
    static int receiveQueueBytes(int fd) throws IOException {
        return check("ioctl(FIONREAD)", receiveQueueBytes0(fd));
    }

    /**
     * Connections waiting in listener {@code fd}'s accept queue ({@code getsockopt(TCP_INFO)}, whose
     * {@code tcpi_unacked} is the queue length for a listener); fails if {@code fd} is not a TCP listener.
     */
    static int acceptQueueLength(int fd) throws IOException {
        return check("getsockopt(TCP_INFO)", acceptQueueLength0(fd));
    }

    /**
     * One read from a Unix stream socket into native memory at {@code address + pos} (up to {@code limit}), as
     * {@code recvmsg} without room for ancillary data: the bytes read, or'ed with {@link #RECV_STREAM_ANCILLARY}
     * if the read ended at a message that carried some (descriptors, which the kernel then closes, or
     * credentials); {@code 0} if it would block, {@code -1} at EOF. Errors as Netty's {@code Socket.recvAddress}.
     */
    static long recvStream(int fd, long address, int pos, int limit) throws IOException {
        long res = recvStream0(fd, address, pos, limit);
        if (res > 0) {
            return res;
        }
        if (res == 0) {
            return -1;
        }
        return Errors.ioResult("recvmsg", (int) res);
    }

    /**
     * The credentials of a Unix-domain socket's peer ({@code getsockopt(SO_PEERCRED)}): its pid, uid and gid as
     * the kernel recorded them when the connection was made.
     */
    static PeerCredentials peerCredentials(int fd) throws IOException {
        int[] pidUidGid = new int[3];
        check("getsockopt(SO_PEERCRED)", peerCredentials0(fd, pidUidGid));
        return (PeerCredentials) newPeerCredentials0(pidUidGid[0], pidUidGid[1], pidUidGid[2]);
    }

    private static int check(String syscall, int res) throws IOException {
        if (res < 0) {
            throw Errors.newIOException(syscall, res);
        }
        return res;
    }

    // Object where Netty's DefaultFileRegion and PeerCredentials are meant: a signature that names no class of Netty's
    // stays the same when a shading tool relocates Netty, so the C tables register unchanged (gonetpoll_jni.c).
    private static native long sendFile0(int socketFd, Object defaultFileRegion, long position, long offset,
                                         long count);
    private static native int receiveQueueBytes0(int fd);
    private static native int acceptQueueLength0(int fd);
    private static native int peerCredentials0(int fd, int[] pidUidGid);
    private static native long recvStream0(int fd, long address, int pos, int limit);
    private static native long recvStreamCtrunc();
    /** Netty's {@link PeerCredentials}, whose constructor only JNI (as Netty's epoll native does) may call. */
    private static native Object newPeerCredentials0(int pid, int uid, int gid);

    private static native long sendFileForeignChannel();
    private static native int errnoEmfile();
    private static native int errnoEnfile();
    private static native int errnoEnobufs();
    private static native int errnoEnomem();
    private static native int errnoEconnaborted();
    private static native int solIp();
    private static native int solIpv6();
    private static native int ipprotoTcp();
    private static native int tcpCork();
    private static native int tcpKeepidle();
    private static native int tcpKeepintvl();
    private static native int tcpKeepcnt();
    private static native int tcpUserTimeout();
    private static native int tcpQuickack();
    private static native int tcpDeferAccept();
    private static native int solSocket();
    private static native int soBusyPoll();
    private static native int ipBindAddressNoPort();
    private static native int tcpNotsentLowat();
    private static native int tcpFastopen();
    private static native int tcpFastopenConnect();
    private static native int ipFreebind();
    private static native int ipTransparent();
    private static native int ipv6Transparent();
}
