/*
 * Socket calls and constants that Netty's libnetty-unix-common.a does not offer, for the natives of
 * SocketNative.java: sendfile from a DefaultFileRegion, the receive queue's length (ioctl FIONREAD), a
 * listener's accept-queue length (getsockopt TCP_INFO), the TCP/IP option levels and names GoNetpoll's
 * configs set, the errno values the accept loop tells apart, a Unix stream read that reports whether it ended at
 * ancillary data (recvmsg, MSG_CTRUNC), and a Unix-domain peer's credentials (SO_PEERCRED, as Netty's
 * PeerCredentials). SCM_RIGHTS passing is Netty's own (Socket.sendFd/recvFd). Any further per-socket
 * syscall or constant belongs here too (recvmmsg/sendmmsg); the poller does not (that is netpoll_epoll.c),
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
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "gonetpoll_jni.h"

// Older kernel headers lack these; values from include/uapi/linux/tcp.h, in.h and asm-generic/socket.h.
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
#ifndef SO_BUSY_POLL
#define SO_BUSY_POLL 46
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
static jint socket_extras_ipBindAddressNoPort(JNIEnv* env, jclass clazz) { return IP_BIND_ADDRESS_NO_PORT; }
static jint socket_extras_tcpNotsentLowat(JNIEnv* env, jclass clazz) { return TCP_NOTSENT_LOWAT; }
static jint socket_extras_tcpFastopen(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN; }
static jint socket_extras_tcpFastopenConnect(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN_CONNECT; }
static jint socket_extras_ipFreebind(JNIEnv* env, jclass clazz) { return IP_FREEBIND; }
static jint socket_extras_ipTransparent(JNIEnv* env, jclass clazz) { return IP_TRANSPARENT; }
static jint socket_extras_ipv6Transparent(JNIEnv* env, jclass clazz) { return IPV6_TRANSPARENT; }

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
    { "ipBindAddressNoPort", "()I", (void*) socket_extras_ipBindAddressNoPort },
    { "tcpNotsentLowat", "()I", (void*) socket_extras_tcpNotsentLowat },
    { "tcpFastopen", "()I", (void*) socket_extras_tcpFastopen },
    { "tcpFastopenConnect", "()I", (void*) socket_extras_tcpFastopenConnect },
    { "ipFreebind", "()I", (void*) socket_extras_ipFreebind },
    { "ipTransparent", "()I", (void*) socket_extras_ipTransparent },
    { "ipv6Transparent", "()I", (void*) socket_extras_ipv6Transparent },
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
