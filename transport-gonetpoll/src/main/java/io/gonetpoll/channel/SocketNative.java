package io.gonetpoll.channel;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.PeerCredentials;

import java.io.IOException;

/**
 * The JNI surface of the socket calls Netty's unix-common lacks (C: {@code socket_extras.c}): {@code sendfile},
 * the receive and accept queues' lengths, a Unix-domain peer's credentials, datagram {@code recvfrom}/{@code sendto}
 * that tell an empty datagram from {@code EAGAIN}, multicast membership, and the TCP/IP option and errno
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
    static final int SO_ACCEPTCONN = soAcceptconn();
    static final int IP_BIND_ADDRESS_NO_PORT = ipBindAddressNoPort();
    static final int TCP_NOTSENT_LOWAT = tcpNotsentLowat();
    static final int TCP_FASTOPEN = tcpFastopen();
    static final int TCP_FASTOPEN_CONNECT = tcpFastopenConnect();
    static final int IP_FREEBIND = ipFreebind();
    static final int IP_TRANSPARENT = ipTransparent();
    static final int IPV6_TRANSPARENT = ipv6Transparent();
    static final int ERRNO_EAGAIN = errnoEagain();
    static final int ERRNO_ECONNREFUSED = errnoEconnrefused();
    static final int ERRNO_EMSGSIZE = errnoEmsgsize();
    static final int IP_MULTICAST_TTL = ipMulticastTtl();
    static final int IP_MULTICAST_LOOP = ipMulticastLoop();
    static final int IP_MULTICAST_ALL = ipMulticastAll();
    static final int IPV6_MULTICAST_ALL = ipv6MulticastAll();
    static final int IP_RECVORIGDSTADDR = ipRecvOrigDstAddr();
    static final int IPV6_RECVORIGDSTADDR = ipv6RecvOrigDstAddr();
    static final int IPV6_MULTICAST_HOPS = ipv6MulticastHops();
    static final int IPV6_MULTICAST_LOOP = ipv6MulticastLoop();
    static final int IPV6_MULTICAST_IF = ipv6MulticastIf();
    static final int MCAST_JOIN_GROUP = mcastJoinGroup();
    static final int MCAST_LEAVE_GROUP = mcastLeaveGroup();
    static final int MCAST_JOIN_SOURCE_GROUP = mcastJoinSourceGroup();
    static final int MCAST_LEAVE_SOURCE_GROUP = mcastLeaveSourceGroup();
    static final int MCAST_BLOCK_SOURCE = mcastBlockSource();
    static final int MCAST_UNBLOCK_SOURCE = mcastUnblockSource();
    /** Length of the sender array {@link #recvFrom} fills (layout: {@link DatagramAddresses#sender}). */
    static final int DATAGRAM_ADDRESS_SIZE = datagramAddressSize();
    static final int SOL_UDP = solUdp();
    static final int UDP_SEGMENT = udpSegment();
    static final int UDP_GRO = udpGro();
    /** Most datagrams one {@link #recvmmsg} or {@link #sendmmsg} moves. */
    static final int MMSG_MAX = mmsgMax();

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

    /**
     * One datagram from {@code fd} into native memory at {@code address + pos} (up to {@code limit}), its sender
     * into {@code sender} ({@link #DATAGRAM_ADDRESS_SIZE} bytes) and, if {@code destination} is not {@code null},
     * its original destination there (same layout; port 0: the kernel sent none, the socket's
     * {@code IP_RECVORIGDSTADDR} is off): its length ({@code 0} for an empty datagram), or
     * {@code -1} if nothing is queued (EAGAIN). Errors as Netty's unix sockets raise them (see
     * {@code datagramResult}); most are {@link Errors.NativeIoException}s whose {@code expectedErr()} is
     * {@code -errno} ({@code ECONNREFUSED}: an ICMP "port unreachable" on a connected socket).
     */
    static int recvFrom(int fd, long address, int pos, int limit, byte[] sender, byte[] destination)
            throws IOException {
        return datagramResult(destination == null ? "recvfrom" : "recvmsg",
                recvFrom0(fd, address, pos, limit, sender, destination));
    }

    /**
     * One datagram from native memory to {@code recipient} (4 bytes on an IPv4 socket, 16 on an IPv6 one), or on
     * a connected socket to its peer if {@code recipient} is {@code null}: the bytes sent ({@code 0} for an empty
     * datagram), or {@code -1} if the send buffer is full (EAGAIN). Errors as {@link #recvFrom}.
     */
    static int sendTo(int fd, long address, int pos, int limit, byte[] recipient, int scopeId, int port)
            throws IOException {
        return datagramResult(recipient == null ? "send" : "sendto",
                sendTo0(fd, address, pos, limit, recipient, scopeId, port));
    }

    /**
     * One datagram from native memory to the Unix-domain socket at {@code path} (UTF-8; a leading NUL byte: an
     * abstract name): the bytes sent, or {@code -1} if the receiver's queue is full (EAGAIN). Errors as
     * {@link #recvFrom}.
     */
    static int sendToDomain(int fd, long address, int pos, int limit, byte[] path) throws IOException {
        return datagramResult("sendto", sendToDomain0(fd, address, pos, limit, path));
    }

    /**
     * Up to {@code count} (at most {@link #MMSG_MAX}) datagrams in one {@code recvmmsg}: datagram {@code i} into
     * native memory at {@code address + i * segmentSize}, its length into {@code lengths[i]}, its sender into
     * {@code senders} at {@code i * DATAGRAM_ADDRESS_SIZE}, its original destination likewise into
     * {@code destinations} if not {@code null} (see {@link #recvFrom}), and, if {@code gsoSizes} is not {@code null}
     * (a socket with {@code UDP_GRO}), the size of the datagrams coalesced into slot {@code i} into
     * {@code gsoSizes[i]} (as {@link #recvFromGro}). Returns how many were read, or {@code -1} if none was queued
     * (EAGAIN). Fewer than {@code count} means the kernel found the queue empty after them. Errors as
     * {@link #recvFrom}.
     */
    static int recvmmsg(int fd, long address, int segmentSize, int count, int[] lengths, byte[] senders,
                        byte[] destinations, int[] gsoSizes) throws IOException {
        return datagramResult("recvmmsg", recvmmsg0(fd, address, segmentSize, count, lengths, senders,
                destinations, gsoSizes));
    }

    /**
     * Up to {@code count} (at most {@link #MMSG_MAX}) datagrams in one {@code sendmmsg}; datagram {@code i}:
     * {@code lengths[i]} bytes at {@code addresses[i]} to the recipient at {@code recipients[i * 16]}
     * ({@code recipientLengths[i]}: 4 or 16 bytes, 0 for the connected peer), cut by the kernel into
     * {@code segmentSizes[i]}-byte datagrams unless that is 0 (UDP GSO, as {@link #sendSegmented}). Returns how
     * many were sent (the kernel stops at the first that fails or would block), or {@code -1} if the first would
     * block. Errors of the first datagram as {@link #recvFrom}.
     */
    static int sendmmsg(int fd, int count, long[] addresses, int[] lengths, byte[] recipients,
                        int[] recipientLengths, int[] scopeIds, int[] ports, int[] segmentSizes) throws IOException {
        return datagramResult("sendmmsg", sendmmsg0(fd, count, addresses, lengths, recipients, recipientLengths,
                scopeIds, ports, segmentSizes));
    }

    /**
     * One buffer sent as datagrams of {@code segmentSize} bytes cut by the kernel (UDP GSO): {@code sendmsg} with
     * {@code UDP_SEGMENT}, to {@code recipient} as in {@link #sendTo}. The bytes sent, or {@code -1} if the send
     * buffer is full.
     */
    static int sendSegmented(int fd, long address, int pos, int limit, byte[] recipient, int scopeId, int port,
                             int segmentSize) throws IOException {
        return datagramResult("sendmsg(UDP_SEGMENT)",
                sendSegmented0(fd, address, pos, limit, recipient, scopeId, port, segmentSize));
    }

    /**
     * {@link #recvFrom} on a socket with {@code UDP_GRO}: the total length (or {@code -1}), and in
     * {@code gsoSize[0]} the size of each coalesced datagram ({@code 0}: a single datagram); the original
     * destination as {@link #recvFrom}.
     */
    static int recvFromGro(int fd, long address, int pos, int limit, byte[] sender, int[] gsoSize,
                           byte[] destination) throws IOException {
        return datagramResult("recvmsg", recvFromGro0(fd, address, pos, limit, sender, gsoSize, destination));
    }

    /**
     * {@code -errno} becomes what Netty's unix sockets throw for it ({@code Errors.ioResult}): a
     * {@code ClosedChannelException} for EBADF, {@code NotYetConnectedException} for ENOTCONN,
     * {@code FileNotFoundException} for ENOENT (a Unix socket path with nobody there), else a
     * {@link Errors.NativeIoException} with the errno.
     */
    private static int datagramResult(String syscall, int res) throws IOException {
        if (res >= 0) {
            return res;
        }
        if (res == -ERRNO_EAGAIN) {
            return -1;
        }
        Errors.ioResult(syscall, res);
        throw new AssertionError("Errors.ioResult returned for errno " + -res);
    }

    /**
     * A multicast membership request ({@link #MCAST_JOIN_GROUP} and the others) at {@code level}, for
     * {@code group} on the interface {@code interfaceIndex} (0: the kernel's choice), with {@code source} or
     * without ({@code null}).
     */
    static void multicast(int fd, int level, int request, byte[] group, int interfaceIndex, byte[] source)
            throws IOException {
        check("setsockopt(MCAST_*)", multicast0(fd, level, request, group, interfaceIndex, source));
    }

    /**
     * {@code IP_MULTICAST_IF} of an IPv4 socket: the interface by index, with one of its IPv4 addresses
     * ({@code null}: none), which {@link #getIpMulticastIf} reads back.
     */
    static void setIpMulticastIf(int fd, int interfaceIndex, byte[] ipv4Address) throws IOException {
        check("setsockopt(IP_MULTICAST_IF)", setIpMulticastIf0(fd, interfaceIndex, ipv4Address));
    }

    /** The address {@code IP_MULTICAST_IF} of an IPv4 socket names (four zero bytes: none chosen). */
    static byte[] getIpMulticastIf(int fd) throws IOException {
        byte[] address = new byte[4];
        check("getsockopt(IP_MULTICAST_IF)", getIpMulticastIf0(fd, address));
        return address;
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

    private static native int recvFrom0(int fd, long address, int pos, int limit, byte[] sender,
                                        byte[] destination);
    private static native int sendTo0(int fd, long address, int pos, int limit, byte[] recipient, int scopeId,
                                      int port);
    private static native int recvmmsg0(int fd, long address, int segmentSize, int count, int[] lengths,
                                        byte[] senders, byte[] destinations, int[] gsoSizes);
    private static native int sendmmsg0(int fd, int count, long[] addresses, int[] lengths, byte[] recipients,
                                        int[] recipientLengths, int[] scopeIds, int[] ports, int[] segmentSizes);
    private static native int sendSegmented0(int fd, long address, int pos, int limit, byte[] recipient,
                                             int scopeId, int port, int segmentSize);
    private static native int recvFromGro0(int fd, long address, int pos, int limit, byte[] sender, int[] gsoSize,
                                           byte[] destination);
    private static native int sendToDomain0(int fd, long address, int pos, int limit, byte[] path);
    private static native int multicast0(int fd, int level, int request, byte[] group, int interfaceIndex,
                                         byte[] source);
    private static native int setIpMulticastIf0(int fd, int interfaceIndex, byte[] ipv4Address);
    private static native int getIpMulticastIf0(int fd, byte[] address);

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

    private static native int soAcceptconn();
    private static native int ipBindAddressNoPort();
    private static native int tcpNotsentLowat();
    private static native int tcpFastopen();
    private static native int tcpFastopenConnect();
    private static native int ipFreebind();
    private static native int ipTransparent();
    private static native int ipv6Transparent();
    private static native int datagramAddressSize();
    private static native int mmsgMax();
    private static native int solUdp();
    private static native int udpSegment();
    private static native int udpGro();
    private static native int errnoEagain();
    private static native int errnoEconnrefused();
    private static native int errnoEmsgsize();
    private static native int ipMulticastTtl();
    private static native int ipMulticastLoop();
    private static native int ipMulticastAll();
    private static native int ipv6MulticastAll();
    private static native int ipRecvOrigDstAddr();
    private static native int ipv6RecvOrigDstAddr();
    private static native int ipv6MulticastHops();
    private static native int ipv6MulticastLoop();
    private static native int ipv6MulticastIf();
    private static native int mcastJoinGroup();
    private static native int mcastLeaveGroup();
    private static native int mcastJoinSourceGroup();
    private static native int mcastLeaveSourceGroup();
    private static native int mcastBlockSource();
    private static native int mcastUnblockSource();
}
