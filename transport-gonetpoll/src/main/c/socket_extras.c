/*
 * Socket calls and constants that Netty's libnetty-unix-common.a does not offer, for the natives of
 * SocketNative.java: sendfile from a DefaultFileRegion, the receive queue's length (ioctl FIONREAD), a
 * listener's accept-queue length (getsockopt TCP_INFO), the TCP/IP option levels and names GoNetpoll's
 * configs set, the errno values the accept loop tells apart, a Unix stream read that reports whether it ended at
 * ancillary data (recvmsg, MSG_CTRUNC), and a Unix-domain peer's credentials (SO_PEERCRED, as Netty's
 * PeerCredentials), and for datagram sockets a recvfrom that tells an empty datagram from EAGAIN, a
 * sendto/send that tells an empty datagram sent from a full buffer, multicast membership (RFC 3678 requests) and
 * the multicast option names. SCM_RIGHTS passing is Netty's own (Socket.sendFd/recvFd). Any further per-socket
 * syscall or constant belongs here too (recvmmsg/sendmmsg are); the poller does not (that is netpoll_epoll.c),
 * nor registering with the JVM (that is gonetpoll_jni.c).
 *
 * Every function is one syscall (or one syscall plus its EINTR/EAGAIN policy, stated beside it) and returns
 * the result or -errno; SocketNative.java turns -errno into an exception in exactly one place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <string.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "gonetpoll_jni.h"

// Older kernel headers lack these; values from include/uapi/linux/tcp.h, in.h, in6.h and asm-generic/socket.h.
#ifndef TCP_NOTSENT_LOWAT
#define TCP_NOTSENT_LOWAT 25
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif
#ifndef IP_TRANSPARENT
#define IP_TRANSPARENT 19
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif
#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif
#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
#endif
#ifndef IP_RECVORIGDSTADDR
#define IP_RECVORIGDSTADDR 20
#endif
#ifndef IP_ORIGDSTADDR
#define IP_ORIGDSTADDR IP_RECVORIGDSTADDR
#endif
#ifndef IPV6_RECVORIGDSTADDR
#define IPV6_RECVORIGDSTADDR 74
#endif
#ifndef IPV6_ORIGDSTADDR
#define IPV6_ORIGDSTADDR IPV6_RECVORIGDSTADDR
#endif

// sendFile's answer when the region's FileChannel is not a sun.nio.ch.FileChannelImpl. Below -4095, the
// lowest -errno Linux has, so no syscall result can be mistaken for it.
#define SENDFILE_FOREIGN_CHANNEL ((jlong) INT64_MIN)

// recvStream's flag beside the byte count (which fits 31 bits): the read ended at ancillary data.
#define RECV_STREAM_CTRUNC (((jlong) 1) << 32)

// Looked up once by socket_extras_load. JNI field access is not subject to module encapsulation, which is
// why the file descriptor of a FileChannel is read here and not in Java.
static jclass fileChannelImplClass = NULL;         // global ref: sun.nio.ch.FileChannelImpl
static jfieldID fileRegionFileField = NULL;        // io.netty.channel.DefaultFileRegion#file
static jfieldID fileRegionTransferredField = NULL; // io.netty.channel.DefaultFileRegion#transferred
static jfieldID fileChannelFdField = NULL;         // sun.nio.ch.FileChannelImpl#fd
static jfieldID fileDescriptorFdField = NULL;      // java.io.FileDescriptor#fd
static jclass peerCredentialsClass = NULL;         // global ref: io.netty.channel.unix.PeerCredentials
static jmethodID peerCredentialsConstructor = NULL; // PeerCredentials(int pid, int uid, int... gids)

// Bytes in a socket's receive queue, not yet read: ioctl(FIONREAD), which for TCP is SIOCINQ. Returns the
// count or -errno. The read loop asks only after a read that filled its buffer exactly, where the read's
// length cannot tell whether the socket is empty (see GoNetpollSocketChannel.isDrained).
static jint socket_extras_receiveQueueBytes(JNIEnv* env, jclass clazz, jint fd) {
    int queued;
    return ioctl(fd, FIONREAD, &queued) < 0 ? -errno : queued;
}

// Connections waiting in a listening TCP socket's accept queue. For a listener, getsockopt(TCP_INFO) returns
// at once with the queue length in tcpi_unacked (and the backlog in tcpi_sacked), where an accept4 that finds
// the queue empty is far dearer: the kernel allocates the new socket, inode and file before it looks at the
// queue and frees them again on EAGAIN. Only the struct's head is copied. Returns the count, -errno, or
// -ENOTSUP if the socket is not a TCP listener (say, an fd of another protocol wrapped by the caller), where
// the answer would mean something else.
static jint socket_extras_acceptQueueLength(JNIEnv* env, jclass clazz, jint fd) {
    struct tcp_info info;
    socklen_t len = offsetof(struct tcp_info, tcpi_sacked);
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &len) < 0) {
        return -errno;
    }
    if (len < offsetof(struct tcp_info, tcpi_sacked) || info.tcpi_state != TCP_LISTEN) {
        return -ENOTSUP;
    }
    return (jint) info.tcpi_unacked;
}

// sendfile(2) from a DefaultFileRegion (opened by the caller). Its FileChannel must be the JDK's
// FileChannelImpl, the only one whose fd field is the file's descriptor: any other (a zip file system's, say)
// is answered with SENDFILE_FOREIGN_CHANNEL before a field of it is read, and Java copies the region instead.
// On success the region's transferred count is advanced here, as DefaultFileRegion has no setter for it.
// EINTR: retried. EAGAIN is returned as -EAGAIN; Java maps it to "socket buffer full".
static jlong socket_extras_sendFile(JNIEnv* env, jclass clazz, jint socketFd, jobject fileRegion,
                                    jlong position, jlong offset, jlong count) {
    jobject fileChannel = (*env)->GetObjectField(env, fileRegion, fileRegionFileField);
    if (fileChannel == NULL) {
        return -EBADF;
    }
    if (!(*env)->IsInstanceOf(env, fileChannel, fileChannelImplClass)) {
        return SENDFILE_FOREIGN_CHANNEL;
    }
    jobject fileDescriptor = (*env)->GetObjectField(env, fileChannel, fileChannelFdField);
    if (fileDescriptor == NULL) {
        return -EBADF;
    }
    jint fileFd = (*env)->GetIntField(env, fileDescriptor, fileDescriptorFdField);
    off_t fileOffset = (off_t) (position + offset);
    ssize_t written;
    do {
        written = sendfile(socketFd, fileFd, &fileOffset, (size_t) count);
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
        return -errno;
    }
    if (written > 0) {
        jlong transferred = (*env)->GetLongField(env, fileRegion, fileRegionTransferredField);
        (*env)->SetLongField(env, fileRegion, fileRegionTransferredField, transferred + written);
    }
    return written;
}

// recv(2) on a Unix stream socket, made as recvmsg(2) with no room for ancillary data so that the kernel says
// whether the read ended at a message that carried some (MSG_CTRUNC): descriptors (SCM_RIGHTS, which the
// kernel closes, as a plain recv does) or, with SO_PASSCRED, credentials. Such a read may be short with data
// still queued behind it. Returns the bytes read, with RECV_STREAM_CTRUNC or'ed in if so, or -errno. EINTR:
// retried.
static jlong socket_extras_recvStream(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit) {
    struct iovec iov = { .iov_base = (void*) (intptr_t) (address + pos), .iov_len = (size_t) (limit - pos) };
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    ssize_t res;
    do {
        res = recvmsg(fd, &msg, 0);
    } while (res < 0 && errno == EINTR);
    if (res < 0) {
        return -errno;
    }
    return (jlong) res | ((msg.msg_flags & MSG_CTRUNC) != 0 ? RECV_STREAM_CTRUNC : 0);
}

// The credentials of a Unix-domain socket's peer as the kernel recorded them at connect (or socketpair):
// getsockopt(SO_PEERCRED) into pidUidGid[0..2]. Returns 0 or -errno.
static jint socket_extras_peerCredentials(JNIEnv* env, jclass clazz, jint fd, jintArray pidUidGid) {
    struct ucred credentials;
    socklen_t len = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &len) < 0) {
        return -errno;
    }
    jint values[3] = { (jint) credentials.pid, (jint) credentials.uid, (jint) credentials.gid };
    (*env)->SetIntArrayRegion(env, pidUidGid, 0, 3, values);
    return 0;
}

// A Netty PeerCredentials, whose constructor is package-private to io.netty.channel.unix: JNI is not bound by
// Java access control, which is how Netty's own epoll native makes it. No syscall. Returns NULL with an
// exception pending if the JVM cannot allocate.
static jobject socket_extras_newPeerCredentials(JNIEnv* env, jclass clazz, jint pid, jint uid, jint gid) {
    jintArray gids = (*env)->NewIntArray(env, 1);
    if (gids == NULL) {
        return NULL;
    }
    (*env)->SetIntArrayRegion(env, gids, 0, 1, &gid);
    jobject credentials = (*env)->NewObject(env, peerCredentialsClass, peerCredentialsConstructor, pid, uid, gids);
    (*env)->DeleteLocalRef(env, gids);
    return credentials;
}

// A datagram peer's address as recvFrom0 hands it to Java in one byte[DATAGRAM_ADDRESS_SIZE]: bytes 0-15 the
// IPv6 address (an IPv4 sender as ::ffff:a.b.c.d, which InetAddress.getByAddress turns into an Inet4Address),
// bytes 16-19 the scope id and 20-21 the port, both big-endian.
#define DATAGRAM_ADDRESS_SIZE 22

static void putDatagramAddress(const struct sockaddr_storage* from, jbyte* out) {
    memset(out, 0, DATAGRAM_ADDRESS_SIZE);
    uint32_t scope = 0;
    uint16_t port = 0;
    if (from->ss_family == AF_INET6) {
        const struct sockaddr_in6* in6 = (const struct sockaddr_in6*) from;
        memcpy(out, &in6->sin6_addr, 16);
        scope = in6->sin6_scope_id;
        port = ntohs(in6->sin6_port);
    } else if (from->ss_family == AF_INET) {
        const struct sockaddr_in* in4 = (const struct sockaddr_in*) from;
        out[10] = (jbyte) 0xff;
        out[11] = (jbyte) 0xff;
        memcpy(out + 12, &in4->sin_addr, 4);
        port = ntohs(in4->sin_port);
    }
    out[16] = (jbyte) (scope >> 24);
    out[17] = (jbyte) (scope >> 16);
    out[18] = (jbyte) (scope >> 8);
    out[19] = (jbyte) scope;
    out[20] = (jbyte) (port >> 8);
    out[21] = (jbyte) port;
}

// Fills a sockaddr for sendto and for the multicast requests: a 4-byte address on an IPv4 socket gives a
// sockaddr_in; on an IPv6 socket the caller passes 16 bytes (IPv4 as ::ffff:a.b.c.d). Returns its length, or 0 if
// the array has another length.
static socklen_t toSockaddr(JNIEnv* env, jbyteArray address, jint scopeId, jint port, struct sockaddr_storage* out) {
    memset(out, 0, sizeof(*out));
    jsize len = (*env)->GetArrayLength(env, address);
    if (len == 4) {
        struct sockaddr_in* in4 = (struct sockaddr_in*) out;
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t) port);
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte*) &in4->sin_addr);
        return sizeof(struct sockaddr_in);
    }
    if (len == 16) {
        struct sockaddr_in6* in6 = (struct sockaddr_in6*) out;
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t) port);
        in6->sin6_scope_id = (uint32_t) scopeId;
        (*env)->GetByteArrayRegion(env, address, 0, 16, (jbyte*) &in6->sin6_addr);
        return sizeof(struct sockaddr_in6);
    }
    return 0;
}

// Room for the control messages a datagram read asks for: the original destination (IP_ORIGDSTADDR or
// IPV6_ORIGDSTADDR, a sockaddr_in or sockaddr_in6) and UDP_GRO's segment size (an int). The union aligns the
// buffer for struct cmsghdr.
#define DATAGRAM_CONTROL_SPACE (CMSG_SPACE(sizeof(struct sockaddr_in6)) + CMSG_SPACE(sizeof(int)))
union datagram_control {
    struct cmsghdr align;
    char bytes[DATAGRAM_CONTROL_SPACE];
};

// The original destination a read's control messages carry (a socket with IP_RECVORIGDSTADDR or
// IPV6_RECVORIGDSTADDR on), into destination[DATAGRAM_ADDRESS_SIZE] (layout: putDatagramAddress); all zeros (port
// 0) when there is none.
static void putOriginalDestination(JNIEnv* env, struct msghdr* msg, jbyteArray destination, jsize offset) {
    struct sockaddr_storage to;
    memset(&to, 0, sizeof(to));
    to.ss_family = AF_UNSPEC;
    for (struct cmsghdr* cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        size_t len = cm->cmsg_len - CMSG_LEN(0);
        if ((cm->cmsg_level == SOL_IP && cm->cmsg_type == IP_ORIGDSTADDR)
                || (cm->cmsg_level == SOL_IPV6 && cm->cmsg_type == IPV6_ORIGDSTADDR)) {
            memcpy(&to, CMSG_DATA(cm), len < sizeof(to) ? len : sizeof(to));
        }
    }
    jbyte out[DATAGRAM_ADDRESS_SIZE];
    putDatagramAddress(&to, out);
    (*env)->SetByteArrayRegion(env, destination, offset, DATAGRAM_ADDRESS_SIZE, out);
}

// The segment size of UDP_GRO's control message in a read's control messages: the size of each datagram the
// kernel coalesced into the read (the last one may be shorter); 0 when there is none (a single datagram).
static jint groSegmentSize(struct msghdr* msg) {
    for (struct cmsghdr* cm = CMSG_FIRSTHDR(msg); cm != NULL; cm = CMSG_NXTHDR(msg, cm)) {
        if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
            int value;
            memcpy(&value, CMSG_DATA(cm), sizeof(value));
            return (jint) value;
        }
    }
    return 0;
}

// One datagram into native memory at address + pos (up to limit), its sender into sender[DATAGRAM_ADDRESS_SIZE]:
// recvfrom(2), or, when destination is not NULL, recvmsg(2) with room for the original destination, which goes
// there (see putOriginalDestination). Returns the datagram's length (0 is an empty datagram, not "would block"),
// or -errno: -EAGAIN when the receive queue is empty, and on a connected socket the error an ICMP message left
// (-ECONNREFUSED for "port unreachable"). A datagram longer than the room is truncated, as recv(2) does. EINTR:
// retried.
static jint socket_extras_recvFrom(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit,
                                   jbyteArray sender, jbyteArray destination) {
    struct sockaddr_storage from;
    socklen_t fromLen = sizeof(from);
    ssize_t res;
    if (destination == NULL) {
        do {
            res = recvfrom(fd, (void*) (intptr_t) (address + pos), (size_t) (limit - pos), 0,
                           (struct sockaddr*) &from, &fromLen);
        } while (res < 0 && errno == EINTR);
    } else {
        struct iovec iov = { .iov_base = (void*) (intptr_t) (address + pos), .iov_len = (size_t) (limit - pos) };
        union datagram_control control;
        struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = control.bytes, .msg_controllen = sizeof(control.bytes) };
        do {
            res = recvmsg(fd, &msg, 0);
        } while (res < 0 && errno == EINTR);
        fromLen = msg.msg_namelen;
        if (res >= 0) {
            putOriginalDestination(env, &msg, destination, 0);
        }
    }
    if (res < 0) {
        return -errno;
    }
    jbyte out[DATAGRAM_ADDRESS_SIZE];
    if (fromLen == 0) {
        from.ss_family = AF_UNSPEC;
    }
    putDatagramAddress(&from, out);
    (*env)->SetByteArrayRegion(env, sender, 0, DATAGRAM_ADDRESS_SIZE, out);
    return (jint) res;
}

// One datagram from native memory at address + pos (up to limit): sendto(2) to recipient (4 or 16 bytes, see
// toSockaddr), or send(2) on a connected socket when recipient is NULL. Returns the bytes sent (0 for an empty
// datagram) or -errno: -EAGAIN when the send buffer is full, -EMSGSIZE for a datagram the protocol cannot carry.
// EINTR: retried.
static jint socket_extras_sendTo(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit,
                                 jbyteArray recipient, jint scopeId, jint port) {
    struct sockaddr_storage to;
    socklen_t toLen = 0;
    if (recipient != NULL) {
        toLen = toSockaddr(env, recipient, scopeId, port, &to);
        if (toLen == 0) {
            return -EAFNOSUPPORT;
        }
    }
    ssize_t res;
    do {
        res = sendto(fd, (void*) (intptr_t) (address + pos), (size_t) (limit - pos), 0,
                     recipient == NULL ? NULL : (struct sockaddr*) &to, toLen);
    } while (res < 0 && errno == EINTR);
    return res < 0 ? -errno : (jint) res;
}

// One datagram from native memory at address + pos (up to limit) to the Unix-domain socket at path (UTF-8 bytes
// of Netty's DomainSocketAddress; a leading NUL byte names an abstract socket, whose name is the bytes after it
// with no terminator): sendto(2). Returns the bytes sent (0 for an empty datagram) or -errno: -EAGAIN when the
// receiver's queue is full, -ENAMETOOLONG for a path longer than sun_path. EINTR: retried.
static jint socket_extras_sendToDomain(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit,
                                       jbyteArray path) {
    struct sockaddr_un to;
    memset(&to, 0, sizeof(to));
    to.sun_family = AF_UNIX;
    jsize len = (*env)->GetArrayLength(env, path);
    if (len <= 0 || (size_t) len >= sizeof(to.sun_path)) {
        return -ENAMETOOLONG;
    }
    (*env)->GetByteArrayRegion(env, path, 0, len, (jbyte*) to.sun_path);
    // An abstract name counts exactly its bytes; a path counts its terminating NUL too.
    socklen_t toLen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + (to.sun_path[0] == 0 ? 0 : 1));
    ssize_t res;
    do {
        res = sendto(fd, (void*) (intptr_t) (address + pos), (size_t) (limit - pos), 0, (struct sockaddr*) &to,
                     toLen);
    } while (res < 0 && errno == EINTR);
    return res < 0 ? -errno : (jint) res;
}

// Most datagrams one recvmmsg/sendmmsg call moves; the headers live on the C stack.
#define MMSG_MAX 64

// Up to count datagrams in one recvmmsg(2): datagram i into native memory at address + i * segmentSize (at most
// segmentSize bytes; longer ones are truncated), its length into lengths[i] and its sender into
// senders[i * DATAGRAM_ADDRESS_SIZE ...] (layout: putDatagramAddress), if destinations is not NULL its original
// destination into destinations[i * DATAGRAM_ADDRESS_SIZE ...] (see putOriginalDestination), and if gsoSizes is
// not NULL (a socket with UDP_GRO on) the size of the datagrams the kernel coalesced into slot i into gsoSizes[i]
// (0: one datagram; see recvFromGro). Returns how many were read, or -errno
// (-EAGAIN: none queued). On a non-blocking socket the kernel stops at the first datagram that is not there, so
// fewer than count means the queue was found empty (EAGAIN), unless another error stopped it, which the kernel
// keeps for the next call. count is capped at MMSG_MAX. EINTR: retried.
static jint socket_extras_recvmmsg(JNIEnv* env, jclass clazz, jint fd, jlong address, jint segmentSize, jint count,
                                   jintArray lengths, jbyteArray senders, jbyteArray destinations,
                                   jintArray gsoSizes) {
    if (count > MMSG_MAX) {
        count = MMSG_MAX;
    }
    struct mmsghdr msgs[MMSG_MAX];
    struct iovec iovs[MMSG_MAX];
    struct sockaddr_storage from[MMSG_MAX];
    union datagram_control controls[MMSG_MAX];
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t) count);
    for (int i = 0; i < count; i++) {
        iovs[i].iov_base = (void*) (intptr_t) (address + (jlong) i * segmentSize);
        iovs[i].iov_len = (size_t) segmentSize;
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &from[i];
        msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
        if (destinations != NULL || gsoSizes != NULL) {
            msgs[i].msg_hdr.msg_control = controls[i].bytes;
            msgs[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
        }
    }
    int res;
    do {
        res = recvmmsg(fd, msgs, (unsigned int) count, 0, NULL);
    } while (res < 0 && errno == EINTR);
    if (res < 0) {
        return -errno;
    }
    jint lens[MMSG_MAX];
    jint segments[MMSG_MAX];
    jbyte out[DATAGRAM_ADDRESS_SIZE];
    for (int i = 0; i < res; i++) {
        lens[i] = (jint) msgs[i].msg_len;
        segments[i] = groSegmentSize(&msgs[i].msg_hdr);
        if (msgs[i].msg_hdr.msg_namelen == 0) {
            from[i].ss_family = AF_UNSPEC;
        }
        putDatagramAddress(&from[i], out);
        (*env)->SetByteArrayRegion(env, senders, i * DATAGRAM_ADDRESS_SIZE, DATAGRAM_ADDRESS_SIZE, out);
        if (destinations != NULL) {
            putOriginalDestination(env, &msgs[i].msg_hdr, destinations, i * DATAGRAM_ADDRESS_SIZE);
        }
    }
    (*env)->SetIntArrayRegion(env, lengths, 0, res, lens);
    if (gsoSizes != NULL) {
        (*env)->SetIntArrayRegion(env, gsoSizes, 0, res, segments);
    }
    return res;
}

// Up to count datagrams in one sendmmsg(2): datagram i is lengths[i] bytes of native memory at addresses[i], sent
// to the recipient in recipients[i * 16 ...] (recipientLengths[i] bytes: 4 or 16, see toSockaddr; 0: the
// connected peer) with scopeIds[i] and ports[i], and cut by the kernel into segmentSizes[i]-byte datagrams if
// that is not 0 (a UDP_SEGMENT control message, as sendSegmented). Returns how many were sent (the kernel stops
// at the first that would block or fails; the caller sends that one again alone to learn why), or -errno if the
// first one could not be sent (-EAGAIN: the send buffer is full). count is capped at MMSG_MAX. EINTR: retried.
static jint socket_extras_sendmmsg(JNIEnv* env, jclass clazz, jint fd, jint count, jlongArray addresses,
                                   jintArray lengths, jbyteArray recipients, jintArray recipientLengths,
                                   jintArray scopeIds, jintArray ports, jintArray segmentSizes) {
    if (count > MMSG_MAX) {
        count = MMSG_MAX;
    }
    jlong addr[MMSG_MAX];
    jint len[MMSG_MAX];
    jint recipientLen[MMSG_MAX];
    jint scope[MMSG_MAX];
    jint port[MMSG_MAX];
    jint segment[MMSG_MAX];
    jbyte recipient[MMSG_MAX * 16];
    (*env)->GetIntArrayRegion(env, segmentSizes, 0, count, segment);
    (*env)->GetLongArrayRegion(env, addresses, 0, count, addr);
    (*env)->GetIntArrayRegion(env, lengths, 0, count, len);
    (*env)->GetIntArrayRegion(env, recipientLengths, 0, count, recipientLen);
    (*env)->GetIntArrayRegion(env, scopeIds, 0, count, scope);
    (*env)->GetIntArrayRegion(env, ports, 0, count, port);
    (*env)->GetByteArrayRegion(env, recipients, 0, count * 16, recipient);
    struct mmsghdr msgs[MMSG_MAX];
    struct iovec iovs[MMSG_MAX];
    struct sockaddr_storage to[MMSG_MAX];
    union {
        char bytes[CMSG_SPACE(sizeof(uint16_t))];
        struct cmsghdr align;
    } controls[MMSG_MAX];
    memset(msgs, 0, sizeof(struct mmsghdr) * (size_t) count);
    for (int i = 0; i < count; i++) {
        iovs[i].iov_base = (void*) (intptr_t) addr[i];
        iovs[i].iov_len = (size_t) len[i];
        msgs[i].msg_hdr.msg_iov = &iovs[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        if (segment[i] != 0) {
            memset(&controls[i], 0, sizeof(controls[i]));
            msgs[i].msg_hdr.msg_control = controls[i].bytes;
            msgs[i].msg_hdr.msg_controllen = sizeof(controls[i].bytes);
            struct cmsghdr* cm = CMSG_FIRSTHDR(&msgs[i].msg_hdr);
            cm->cmsg_level = SOL_UDP;
            cm->cmsg_type = UDP_SEGMENT;
            cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
            uint16_t size = (uint16_t) segment[i];
            memcpy(CMSG_DATA(cm), &size, sizeof(size));
        }
        if (recipientLen[i] == 4 || recipientLen[i] == 16) {
            memset(&to[i], 0, sizeof(to[i]));
            const jbyte* bytes = recipient + i * 16;
            if (recipientLen[i] == 4) {
                struct sockaddr_in* in4 = (struct sockaddr_in*) &to[i];
                in4->sin_family = AF_INET;
                in4->sin_port = htons((uint16_t) port[i]);
                memcpy(&in4->sin_addr, bytes, 4);
                msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
            } else {
                struct sockaddr_in6* in6 = (struct sockaddr_in6*) &to[i];
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t) port[i]);
                in6->sin6_scope_id = (uint32_t) scope[i];
                memcpy(&in6->sin6_addr, bytes, 16);
                msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in6);
            }
            msgs[i].msg_hdr.msg_name = &to[i];
        }
    }
    int res;
    do {
        res = sendmmsg(fd, msgs, (unsigned int) count, 0);
    } while (res < 0 && errno == EINTR);
    return res < 0 ? -errno : res;
}

// One UDP datagram of limit - pos bytes that the kernel cuts into segmentSize-byte datagrams (UDP GSO, Linux
// 4.18+): sendmsg(2) with a UDP_SEGMENT control message, to recipient (see toSockaddr) or the connected peer if
// it is NULL. Returns the bytes sent or -errno (-EAGAIN: the send buffer is full; -EINVAL/-EIO where the kernel
// or the device cannot segment). EINTR: retried.
static jint socket_extras_sendSegmented(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit,
                                        jbyteArray recipient, jint scopeId, jint port, jint segmentSize) {
    struct sockaddr_storage to;
    socklen_t toLen = 0;
    if (recipient != NULL) {
        toLen = toSockaddr(env, recipient, scopeId, port, &to);
        if (toLen == 0) {
            return -EAFNOSUPPORT;
        }
    }
    struct iovec iov = { .iov_base = (void*) (intptr_t) (address + pos), .iov_len = (size_t) (limit - pos) };
    char control[CMSG_SPACE(sizeof(uint16_t))];
    memset(control, 0, sizeof(control));
    struct msghdr msg = { .msg_name = recipient == NULL ? NULL : &to, .msg_namelen = toLen, .msg_iov = &iov,
                          .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
    struct cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_UDP;
    cm->cmsg_type = UDP_SEGMENT;
    cm->cmsg_len = CMSG_LEN(sizeof(uint16_t));
    uint16_t size = (uint16_t) segmentSize;
    memcpy(CMSG_DATA(cm), &size, sizeof(size));
    ssize_t res;
    do {
        res = sendmsg(fd, &msg, 0);
    } while (res < 0 && errno == EINTR);
    return res < 0 ? -errno : (jint) res;
}

// recvFrom for a socket with UDP_GRO on: recvmsg(2) with room for the UDP_GRO control message, which says that
// the kernel coalesced several datagrams of one flow into this buffer, each gsoSize[0] bytes (the last one may be
// shorter); gsoSize[0] is 0 for a plain datagram. The original destination as recvFrom, if destination is not
// NULL. Returns the total length or -errno, as recvFrom.
static jint socket_extras_recvFromGro(JNIEnv* env, jclass clazz, jint fd, jlong address, jint pos, jint limit,
                                      jbyteArray sender, jintArray gsoSize, jbyteArray destination) {
    struct sockaddr_storage from;
    struct iovec iov = { .iov_base = (void*) (intptr_t) (address + pos), .iov_len = (size_t) (limit - pos) };
    union datagram_control control;
    struct msghdr msg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
                          .msg_control = control.bytes, .msg_controllen = sizeof(control.bytes) };
    ssize_t res;
    do {
        res = recvmsg(fd, &msg, 0);
    } while (res < 0 && errno == EINTR);
    if (res < 0) {
        return -errno;
    }
    jint segment = groSegmentSize(&msg);
    if (destination != NULL) {
        putOriginalDestination(env, &msg, destination, 0);
    }
    jbyte out[DATAGRAM_ADDRESS_SIZE];
    if (msg.msg_namelen == 0) {
        from.ss_family = AF_UNSPEC;
    }
    putDatagramAddress(&from, out);
    (*env)->SetByteArrayRegion(env, sender, 0, DATAGRAM_ADDRESS_SIZE, out);
    (*env)->SetIntArrayRegion(env, gsoSize, 0, 1, &segment);
    return (jint) res;
}

// Multicast membership through the protocol-independent requests of RFC 3678 (ip(7), ipv6(7)), which take the
// interface by index and both families' groups: MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP without a source,
// MCAST_JOIN_SOURCE_GROUP / MCAST_LEAVE_SOURCE_GROUP / MCAST_BLOCK_SOURCE / MCAST_UNBLOCK_SOURCE with one. level
// is the socket's (SOL_IP or SOL_IPV6; an IPv6 socket may join an IPv4 group, passed as ::ffff:a.b.c.d).
// Returns 0 or -errno (-ENODEV for an interface that does not exist).
static jint socket_extras_multicast(JNIEnv* env, jclass clazz, jint fd, jint level, jint request, jbyteArray group,
                                    jint interfaceIndex, jbyteArray source) {
    if (source == NULL) {
        struct group_req req;
        memset(&req, 0, sizeof(req));
        req.gr_interface = (uint32_t) interfaceIndex;
        if (toSockaddr(env, group, 0, 0, &req.gr_group) == 0) {
            return -EAFNOSUPPORT;
        }
        return setsockopt(fd, level, request, &req, sizeof(req)) < 0 ? -errno : 0;
    }
    struct group_source_req req;
    memset(&req, 0, sizeof(req));
    req.gsr_interface = (uint32_t) interfaceIndex;
    if (toSockaddr(env, group, 0, 0, &req.gsr_group) == 0 || toSockaddr(env, source, 0, 0, &req.gsr_source) == 0) {
        return -EAFNOSUPPORT;
    }
    return setsockopt(fd, level, request, &req, sizeof(req)) < 0 ? -errno : 0;
}

// IP_MULTICAST_IF of an IPv4 socket (struct ip_mreqn, ip(7)): the interface by index, with one of its IPv4
// addresses (address[4], or NULL), which is what getsockopt(IP_MULTICAST_IF) reports back; index 0 and no
// address: the routing's choice again. IPv6 sockets set IPV6_MULTICAST_IF, a plain int, from Java. Returns 0 or
// -errno.
static jint socket_extras_setIpMulticastIf(JNIEnv* env, jclass clazz, jint fd, jint interfaceIndex,
                                           jbyteArray address) {
    struct ip_mreqn req;
    memset(&req, 0, sizeof(req));
    req.imr_ifindex = interfaceIndex;
    if (address != NULL) {
        (*env)->GetByteArrayRegion(env, address, 0, 4, (jbyte*) &req.imr_address);
    }
    return setsockopt(fd, SOL_IP, IP_MULTICAST_IF, &req, sizeof(req)) < 0 ? -errno : 0;
}

// The interface an IPv4 socket's multicasts leave by: IP_MULTICAST_IF answers with its address (0.0.0.0: none
// chosen), into address[4]. Returns 0 or -errno.
static jint socket_extras_getIpMulticastIf(JNIEnv* env, jclass clazz, jint fd, jbyteArray address) {
    struct in_addr addr;
    socklen_t len = sizeof(addr);
    if (getsockopt(fd, SOL_IP, IP_MULTICAST_IF, &addr, &len) < 0) {
        return -errno;
    }
    (*env)->SetByteArrayRegion(env, address, 0, 4, (jbyte*) &addr);
    return 0;
}

// Constants, read once by SocketNative.java. IMPORTANT: every name here must match a native method
// declared in SocketNative.java.
static jlong socket_extras_sendFileForeignChannel(JNIEnv* env, jclass clazz) { return SENDFILE_FOREIGN_CHANNEL; }
static jlong socket_extras_recvStreamCtrunc(JNIEnv* env, jclass clazz) { return RECV_STREAM_CTRUNC; }
static jint socket_extras_errnoEmfile(JNIEnv* env, jclass clazz) { return EMFILE; }
static jint socket_extras_errnoEnfile(JNIEnv* env, jclass clazz) { return ENFILE; }
static jint socket_extras_errnoEnobufs(JNIEnv* env, jclass clazz) { return ENOBUFS; }
static jint socket_extras_errnoEnomem(JNIEnv* env, jclass clazz) { return ENOMEM; }
static jint socket_extras_errnoEconnaborted(JNIEnv* env, jclass clazz) { return ECONNABORTED; }
static jint socket_extras_solIp(JNIEnv* env, jclass clazz) { return SOL_IP; }
static jint socket_extras_solIpv6(JNIEnv* env, jclass clazz) { return SOL_IPV6; }
static jint socket_extras_ipprotoTcp(JNIEnv* env, jclass clazz) { return IPPROTO_TCP; }
static jint socket_extras_tcpCork(JNIEnv* env, jclass clazz) { return TCP_CORK; }
static jint socket_extras_tcpKeepidle(JNIEnv* env, jclass clazz) { return TCP_KEEPIDLE; }
static jint socket_extras_tcpKeepintvl(JNIEnv* env, jclass clazz) { return TCP_KEEPINTVL; }
static jint socket_extras_tcpKeepcnt(JNIEnv* env, jclass clazz) { return TCP_KEEPCNT; }
static jint socket_extras_tcpUserTimeout(JNIEnv* env, jclass clazz) { return TCP_USER_TIMEOUT; }
static jint socket_extras_tcpQuickack(JNIEnv* env, jclass clazz) { return TCP_QUICKACK; }
static jint socket_extras_tcpDeferAccept(JNIEnv* env, jclass clazz) { return TCP_DEFER_ACCEPT; }
static jint socket_extras_solSocket(JNIEnv* env, jclass clazz) { return SOL_SOCKET; }
static jint socket_extras_soBusyPoll(JNIEnv* env, jclass clazz) { return SO_BUSY_POLL; }
static jint socket_extras_soAcceptconn(JNIEnv* env, jclass clazz) { return SO_ACCEPTCONN; }
static jint socket_extras_ipBindAddressNoPort(JNIEnv* env, jclass clazz) { return IP_BIND_ADDRESS_NO_PORT; }
static jint socket_extras_tcpNotsentLowat(JNIEnv* env, jclass clazz) { return TCP_NOTSENT_LOWAT; }
static jint socket_extras_tcpFastopen(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN; }
static jint socket_extras_tcpFastopenConnect(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN_CONNECT; }
static jint socket_extras_ipFreebind(JNIEnv* env, jclass clazz) { return IP_FREEBIND; }
static jint socket_extras_ipTransparent(JNIEnv* env, jclass clazz) { return IP_TRANSPARENT; }
static jint socket_extras_ipv6Transparent(JNIEnv* env, jclass clazz) { return IPV6_TRANSPARENT; }
static jint socket_extras_datagramAddressSize(JNIEnv* env, jclass clazz) { return DATAGRAM_ADDRESS_SIZE; }
static jint socket_extras_solUdp(JNIEnv* env, jclass clazz) { return SOL_UDP; }
static jint socket_extras_udpSegment(JNIEnv* env, jclass clazz) { return UDP_SEGMENT; }
static jint socket_extras_udpGro(JNIEnv* env, jclass clazz) { return UDP_GRO; }
static jint socket_extras_mmsgMax(JNIEnv* env, jclass clazz) { return MMSG_MAX; }
static jint socket_extras_errnoEagain(JNIEnv* env, jclass clazz) { return EAGAIN; }
static jint socket_extras_errnoEconnrefused(JNIEnv* env, jclass clazz) { return ECONNREFUSED; }
static jint socket_extras_errnoEmsgsize(JNIEnv* env, jclass clazz) { return EMSGSIZE; }
static jint socket_extras_ipMulticastTtl(JNIEnv* env, jclass clazz) { return IP_MULTICAST_TTL; }
static jint socket_extras_ipMulticastLoop(JNIEnv* env, jclass clazz) { return IP_MULTICAST_LOOP; }
static jint socket_extras_ipMulticastAll(JNIEnv* env, jclass clazz) { return IP_MULTICAST_ALL; }
static jint socket_extras_ipv6MulticastAll(JNIEnv* env, jclass clazz) { return IPV6_MULTICAST_ALL; }
static jint socket_extras_ipRecvOrigDstAddr(JNIEnv* env, jclass clazz) { return IP_RECVORIGDSTADDR; }
static jint socket_extras_ipv6RecvOrigDstAddr(JNIEnv* env, jclass clazz) { return IPV6_RECVORIGDSTADDR; }
static jint socket_extras_ipv6MulticastHops(JNIEnv* env, jclass clazz) { return IPV6_MULTICAST_HOPS; }
static jint socket_extras_ipv6MulticastLoop(JNIEnv* env, jclass clazz) { return IPV6_MULTICAST_LOOP; }
static jint socket_extras_ipv6MulticastIf(JNIEnv* env, jclass clazz) { return IPV6_MULTICAST_IF; }
static jint socket_extras_mcastJoinGroup(JNIEnv* env, jclass clazz) { return MCAST_JOIN_GROUP; }
static jint socket_extras_mcastLeaveGroup(JNIEnv* env, jclass clazz) { return MCAST_LEAVE_GROUP; }
static jint socket_extras_mcastJoinSourceGroup(JNIEnv* env, jclass clazz) { return MCAST_JOIN_SOURCE_GROUP; }
static jint socket_extras_mcastLeaveSourceGroup(JNIEnv* env, jclass clazz) { return MCAST_LEAVE_SOURCE_GROUP; }
static jint socket_extras_mcastBlockSource(JNIEnv* env, jclass clazz) { return MCAST_BLOCK_SOURCE; }
static jint socket_extras_mcastUnblockSource(JNIEnv* env, jclass clazz) { return MCAST_UNBLOCK_SOURCE; }

// No signature names a class of Netty's: Object stands in for DefaultFileRegion and PeerCredentials, so a copy
// relocated by a shading tool registers this table as it is (gonetpoll_jni.c, on shading).
static const JNINativeMethod methods[] = {
    { "sendFile0", "(ILjava/lang/Object;JJJ)J", (void*) socket_extras_sendFile },
    { "receiveQueueBytes0", "(I)I", (void*) socket_extras_receiveQueueBytes },
    { "acceptQueueLength0", "(I)I", (void*) socket_extras_acceptQueueLength },
    { "peerCredentials0", "(I[I)I", (void*) socket_extras_peerCredentials },
    { "recvStream0", "(IJII)J", (void*) socket_extras_recvStream },
    { "recvStreamCtrunc", "()J", (void*) socket_extras_recvStreamCtrunc },
    { "newPeerCredentials0", "(III)Ljava/lang/Object;", (void*) socket_extras_newPeerCredentials },
    { "sendFileForeignChannel", "()J", (void*) socket_extras_sendFileForeignChannel },
    { "errnoEmfile", "()I", (void*) socket_extras_errnoEmfile },
    { "errnoEnfile", "()I", (void*) socket_extras_errnoEnfile },
    { "errnoEnobufs", "()I", (void*) socket_extras_errnoEnobufs },
    { "errnoEnomem", "()I", (void*) socket_extras_errnoEnomem },
    { "errnoEconnaborted", "()I", (void*) socket_extras_errnoEconnaborted },
    { "solIp", "()I", (void*) socket_extras_solIp },
    { "solIpv6", "()I", (void*) socket_extras_solIpv6 },
    { "ipprotoTcp", "()I", (void*) socket_extras_ipprotoTcp },
    { "tcpCork", "()I", (void*) socket_extras_tcpCork },
    { "tcpKeepidle", "()I", (void*) socket_extras_tcpKeepidle },
    { "tcpKeepintvl", "()I", (void*) socket_extras_tcpKeepintvl },
    { "tcpKeepcnt", "()I", (void*) socket_extras_tcpKeepcnt },
    { "tcpUserTimeout", "()I", (void*) socket_extras_tcpUserTimeout },
    { "tcpQuickack", "()I", (void*) socket_extras_tcpQuickack },
    { "tcpDeferAccept", "()I", (void*) socket_extras_tcpDeferAccept },
    { "solSocket", "()I", (void*) socket_extras_solSocket },
    { "soBusyPoll", "()I", (void*) socket_extras_soBusyPoll },
    { "soAcceptconn", "()I", (void*) socket_extras_soAcceptconn },
    { "ipBindAddressNoPort", "()I", (void*) socket_extras_ipBindAddressNoPort },
    { "tcpNotsentLowat", "()I", (void*) socket_extras_tcpNotsentLowat },
    { "tcpFastopen", "()I", (void*) socket_extras_tcpFastopen },
    { "tcpFastopenConnect", "()I", (void*) socket_extras_tcpFastopenConnect },
    { "ipFreebind", "()I", (void*) socket_extras_ipFreebind },
    { "ipTransparent", "()I", (void*) socket_extras_ipTransparent },
    { "ipv6Transparent", "()I", (void*) socket_extras_ipv6Transparent },
    { "recvFrom0", "(IJII[B[B)I", (void*) socket_extras_recvFrom },
    { "sendTo0", "(IJII[BII)I", (void*) socket_extras_sendTo },
    { "sendToDomain0", "(IJII[B)I", (void*) socket_extras_sendToDomain },
    { "recvmmsg0", "(IJII[I[B[B[I)I", (void*) socket_extras_recvmmsg },
    { "sendmmsg0", "(II[J[I[B[I[I[I[I)I", (void*) socket_extras_sendmmsg },
    { "mmsgMax", "()I", (void*) socket_extras_mmsgMax },
    { "sendSegmented0", "(IJII[BIII)I", (void*) socket_extras_sendSegmented },
    { "recvFromGro0", "(IJII[B[I[B)I", (void*) socket_extras_recvFromGro },
    { "solUdp", "()I", (void*) socket_extras_solUdp },
    { "udpSegment", "()I", (void*) socket_extras_udpSegment },
    { "udpGro", "()I", (void*) socket_extras_udpGro },
    { "multicast0", "(III[BI[B)I", (void*) socket_extras_multicast },
    { "setIpMulticastIf0", "(II[B)I", (void*) socket_extras_setIpMulticastIf },
    { "getIpMulticastIf0", "(I[B)I", (void*) socket_extras_getIpMulticastIf },
    { "datagramAddressSize", "()I", (void*) socket_extras_datagramAddressSize },
    { "errnoEagain", "()I", (void*) socket_extras_errnoEagain },
    { "errnoEconnrefused", "()I", (void*) socket_extras_errnoEconnrefused },
    { "errnoEmsgsize", "()I", (void*) socket_extras_errnoEmsgsize },
    { "ipMulticastTtl", "()I", (void*) socket_extras_ipMulticastTtl },
    { "ipMulticastLoop", "()I", (void*) socket_extras_ipMulticastLoop },
    { "ipMulticastAll", "()I", (void*) socket_extras_ipMulticastAll },
    { "ipv6MulticastAll", "()I", (void*) socket_extras_ipv6MulticastAll },
    { "ipRecvOrigDstAddr", "()I", (void*) socket_extras_ipRecvOrigDstAddr },
    { "ipv6RecvOrigDstAddr", "()I", (void*) socket_extras_ipv6RecvOrigDstAddr },
    { "ipv6MulticastHops", "()I", (void*) socket_extras_ipv6MulticastHops },
    { "ipv6MulticastLoop", "()I", (void*) socket_extras_ipv6MulticastLoop },
    { "ipv6MulticastIf", "()I", (void*) socket_extras_ipv6MulticastIf },
    { "mcastJoinGroup", "()I", (void*) socket_extras_mcastJoinGroup },
    { "mcastLeaveGroup", "()I", (void*) socket_extras_mcastLeaveGroup },
    { "mcastJoinSourceGroup", "()I", (void*) socket_extras_mcastJoinSourceGroup },
    { "mcastLeaveSourceGroup", "()I", (void*) socket_extras_mcastLeaveSourceGroup },
    { "mcastBlockSource", "()I", (void*) socket_extras_mcastBlockSource },
    { "mcastUnblockSource", "()I", (void*) socket_extras_mcastUnblockSource },
};

const JNINativeMethod* socket_extras_methods(jint* count) {
    *count = (jint) (sizeof(methods) / sizeof(methods[0]));
    return methods;
}

static jboolean lookupField(JNIEnv* env, const char* className, const char* name, const char* sig,
                            jfieldID* out) {
    jclass clazz = gonetpoll_jni_find_class(env, className);
    if (clazz == NULL) {
        return JNI_FALSE;
    }
    *out = (*env)->GetFieldID(env, clazz, name, sig);
    (*env)->DeleteLocalRef(env, clazz);
    return *out != NULL;
}

jint socket_extras_load(JNIEnv* env) {
    jclass localFileChannelImpl = (*env)->FindClass(env, "sun/nio/ch/FileChannelImpl");
    if (localFileChannelImpl == NULL) {
        return JNI_ERR;
    }
    fileChannelFdField = (*env)->GetFieldID(env, localFileChannelImpl, "fd", "Ljava/io/FileDescriptor;");
    if (fileChannelFdField != NULL) {
        fileChannelImplClass = (jclass) (*env)->NewGlobalRef(env, localFileChannelImpl);
    }
    (*env)->DeleteLocalRef(env, localFileChannelImpl);
    if (fileChannelImplClass == NULL) {
        return JNI_ERR;
    }
    if (!lookupField(env, "io/netty/channel/DefaultFileRegion", "file", "Ljava/nio/channels/FileChannel;",
                     &fileRegionFileField)
            || !lookupField(env, "io/netty/channel/DefaultFileRegion", "transferred", "J",
                            &fileRegionTransferredField)
            || !lookupField(env, "java/io/FileDescriptor", "fd", "I", &fileDescriptorFdField)) {
        goto error_delete_class;
    }
    jclass localPeerCredentials = gonetpoll_jni_find_class(env, "io/netty/channel/unix/PeerCredentials");
    if (localPeerCredentials == NULL) {
        goto error_delete_class;
    }
    peerCredentialsConstructor = (*env)->GetMethodID(env, localPeerCredentials, "<init>", "(II[I)V");
    if (peerCredentialsConstructor != NULL) {
        peerCredentialsClass = (jclass) (*env)->NewGlobalRef(env, localPeerCredentials);
    }
    (*env)->DeleteLocalRef(env, localPeerCredentials);
    if (peerCredentialsClass == NULL) {
        goto error_delete_class;
    }
    return JNI_OK;

error_delete_class:
    socket_extras_unload(env);
    return JNI_ERR;
}

void socket_extras_unload(JNIEnv* env) {
    if (fileChannelImplClass != NULL) {
        (*env)->DeleteGlobalRef(env, fileChannelImplClass);
        fileChannelImplClass = NULL;
    }
    if (peerCredentialsClass != NULL) {
        (*env)->DeleteGlobalRef(env, peerCredentialsClass);
        peerCredentialsClass = NULL;
    }
}
