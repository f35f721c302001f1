/*
 * GoNetpoll JNI library: the poller syscalls and nothing else.
 *
 * Every function here is one syscall (or one syscall plus its EINTR/EAGAIN policy, stated beside it)
 * and returns the result or -errno; the Java wrappers in Native.java turn -errno into an exception in
 * exactly one place. There is no state machine in C and no upcall into Java: PollDesc.java owns the
 * readiness state (Go: runtime/netpoll.go), this file is Go's runtime/netpoll_epoll.go.
 *
 * Sockets, socket options, read/write/writev and errno -> NativeIoException come from Netty's own
 * libnetty-unix-common.a, linked into this library with --whole-archive and registered from Java via
 * Unix.registerInternal(Native::registerUnix), the way Netty's epoll transport does it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/sendfile.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "netty_unix.h"

// epoll_pwait2 (Linux 5.11) is called through syscall(2) so the library also loads with a glibc older than
// 2.35; the number is the same on x86_64 and aarch64 (asm-generic table).
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

// Older kernel headers lack these; values from include/uapi/linux/tcp.h and in.h.
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

// IMPORTANT: must match Native.NATIVE_CLASS in Native.java.
#define NATIVE_CLASS "io/gonetpoll/channel/Native"

// Set once in JNI_OnLoad by probing a throw-away epoll fd (some kernels and seccomp filters answer ENOSYS).
static jboolean epollPwait2Supported = JNI_FALSE;

// Fields read by sendFile; looked up once in JNI_OnLoad. JNI field access is not subject to module
// encapsulation, which is why the file descriptor of a FileChannel is read here and not in Java.
static jfieldID fileRegionFileField = NULL;        // io.netty.channel.DefaultFileRegion#file
static jfieldID fileRegionTransferredField = NULL; // io.netty.channel.DefaultFileRegion#transferred
static jfieldID fileChannelFdField = NULL;         // sun.nio.ch.FileChannelImpl#fd
static jfieldID fileDescriptorFdField = NULL;      // java.io.FileDescriptor#fd

// JNI Registered Methods Begin

static jint gonetpoll_native_registerUnix(JNIEnv* env, jclass clazz) {
    // Returns the JNI version on success, which Native.java checks.
    return netty_unix_register(env, NULL);
}

static jint gonetpoll_native_epollCreate(JNIEnv* env, jclass clazz) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static jint gonetpoll_native_eventFd(JNIEnv* env, jclass clazz) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

// EINTR: retried. EAGAIN (the 64-bit counter would overflow): drain it with a read, then write again.
static jint gonetpoll_native_eventFdWrite(JNIEnv* env, jclass clazz, jint fd, jlong value) {
    uint64_t v = (uint64_t) value;
    for (;;) {
        if (write(fd, &v, sizeof(v)) == sizeof(v)) {
            return 0;
        }
        int err = errno;
        if (err == EINTR) {
            continue;
        }
        if (err != EAGAIN) {
            return -err;
        }
        uint64_t drained;
        if (read(fd, &drained, sizeof(drained)) < 0 && errno != EAGAIN && errno != EINTR) {
            return -errno;
        }
    }
}

// EINTR: retried. EAGAIN (counter already zero) is returned to the caller, which treats it as drained.
static jint gonetpoll_native_eventFdRead(JNIEnv* env, jclass clazz, jint fd) {
    uint64_t v;
    for (;;) {
        if (read(fd, &v, sizeof(v)) == sizeof(v)) {
            return 0;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

// No EINTR loop: epoll_ctl is not interrupted by signals.
static jint gonetpoll_native_epollCtlAdd(JNIEnv* env, jclass clazz, jint efd, jint fd, jint events, jlong data) {
    struct epoll_event ev = { .events = (uint32_t) events, .data.u64 = (uint64_t) data };
    return epoll_ctl(efd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static jint gonetpoll_native_epollCtlDel(JNIEnv* env, jclass clazz, jint efd, jint fd) {
    // A non-NULL event pointer keeps kernels before 2.6.9 happy; it is ignored for DEL.
    struct epoll_event ev = { 0 };
    return epoll_ctl(efd, EPOLL_CTL_DEL, fd, &ev) < 0 ? -errno : 0;
}

// EINTR is returned as -EINTR: Java retries a non-blocking wait and returns from a blocking one so the
// loop recomputes its timeout (Go: netpoll returns an empty list on EINTR for a timed wait).
static jint gonetpoll_native_epollWait(JNIEnv* env, jclass clazz, jint efd, jlong address, jint len,
                                       jint timeoutMillis) {
    int ready = epoll_wait(efd, (struct epoll_event*) (intptr_t) address, len, timeoutMillis);
    return ready < 0 ? -errno : ready;
}

// timeoutNanos < 0 blocks without a timeout. EINTR policy as epollWait.
static jint gonetpoll_native_epollPwait2(JNIEnv* env, jclass clazz, jint efd, jlong address, jint len,
                                         jlong timeoutNanos) {
    struct timespec ts;
    struct timespec* tsp = NULL;
    if (timeoutNanos >= 0) {
        ts.tv_sec = (time_t) (timeoutNanos / 1000000000L);
        ts.tv_nsec = (long) (timeoutNanos % 1000000000L);
        tsp = &ts;
    }
    long ready = syscall(SYS_epoll_pwait2, efd, (struct epoll_event*) (intptr_t) address, len, tsp, NULL, 0);
    return ready < 0 ? -errno : (jint) ready;
}

static jboolean gonetpoll_native_isEpollPwait2Supported(JNIEnv* env, jclass clazz) {
    return epollPwait2Supported;
}

// Bytes in a socket's receive queue, not yet read: ioctl(FIONREAD), which for TCP is SIOCINQ. Returns the
// count or -errno. The read loop asks only after a read that filled its buffer exactly, where the read's
// length cannot tell whether the socket is empty (see GoNetpollSocketChannel.isDrained).
static jint gonetpoll_native_receiveQueueBytes(JNIEnv* env, jclass clazz, jint fd) {
    int queued;
    return ioctl(fd, FIONREAD, &queued) < 0 ? -errno : queued;
}

// Connections waiting in a listening TCP socket's accept queue. For a listener, getsockopt(TCP_INFO) returns
// at once with the queue length in tcpi_unacked (and the backlog in tcpi_sacked): about 0.45 us here, where an
// accept4 that finds the queue empty costs about 3.5 us, because the kernel allocates the new socket, inode and
// file before it looks at the queue and frees them again on EAGAIN. Only the struct's head is copied. Returns
// the count, -errno, or -ENOTSUP if the socket is not a TCP listener (say, an fd of another protocol wrapped
// by the caller), where the answer would mean something else.
static jint gonetpoll_native_acceptQueueLength(JNIEnv* env, jclass clazz, jint fd) {
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

// sendfile(2) from a DefaultFileRegion (opened by the caller). On success the region's transferred count
// is advanced here, as DefaultFileRegion has no setter for it. EINTR: retried. EAGAIN is returned as
// -EAGAIN; Java maps it to "socket buffer full".
static jlong gonetpoll_native_sendFile(JNIEnv* env, jclass clazz, jint socketFd, jobject fileRegion,
                                       jlong position, jlong offset, jlong count) {
    jobject fileChannel = (*env)->GetObjectField(env, fileRegion, fileRegionFileField);
    if (fileChannel == NULL) {
        return -EBADF;
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

// Constants and struct layout, read once by Native.java. IMPORTANT: every name here must match a
// native method declared in Native.java.
static jint gonetpoll_native_epollin(JNIEnv* env, jclass clazz) { return EPOLLIN; }
static jint gonetpoll_native_epollout(JNIEnv* env, jclass clazz) { return EPOLLOUT; }
static jint gonetpoll_native_epollrdhup(JNIEnv* env, jclass clazz) { return EPOLLRDHUP; }
static jint gonetpoll_native_epollhup(JNIEnv* env, jclass clazz) { return EPOLLHUP; }
static jint gonetpoll_native_epollerr(JNIEnv* env, jclass clazz) { return EPOLLERR; }
static jint gonetpoll_native_epollet(JNIEnv* env, jclass clazz) { return (jint) EPOLLET; }
static jint gonetpoll_native_sizeofEpollEvent(JNIEnv* env, jclass clazz) { return sizeof(struct epoll_event); }
static jint gonetpoll_native_offsetofEpollData(JNIEnv* env, jclass clazz) {
    return offsetof(struct epoll_event, data);
}
static jint gonetpoll_native_errnoEintr(JNIEnv* env, jclass clazz) { return EINTR; }
static jint gonetpoll_native_errnoEagain(JNIEnv* env, jclass clazz) { return EAGAIN; }
static jint gonetpoll_native_errnoEmfile(JNIEnv* env, jclass clazz) { return EMFILE; }
static jint gonetpoll_native_errnoEnfile(JNIEnv* env, jclass clazz) { return ENFILE; }
static jint gonetpoll_native_errnoEnobufs(JNIEnv* env, jclass clazz) { return ENOBUFS; }
static jint gonetpoll_native_errnoEnomem(JNIEnv* env, jclass clazz) { return ENOMEM; }
static jint gonetpoll_native_errnoEconnaborted(JNIEnv* env, jclass clazz) { return ECONNABORTED; }
static jint gonetpoll_native_solIp(JNIEnv* env, jclass clazz) { return SOL_IP; }
static jint gonetpoll_native_solIpv6(JNIEnv* env, jclass clazz) { return SOL_IPV6; }
static jint gonetpoll_native_ipprotoTcp(JNIEnv* env, jclass clazz) { return IPPROTO_TCP; }
static jint gonetpoll_native_tcpCork(JNIEnv* env, jclass clazz) { return TCP_CORK; }
static jint gonetpoll_native_tcpKeepidle(JNIEnv* env, jclass clazz) { return TCP_KEEPIDLE; }
static jint gonetpoll_native_tcpKeepintvl(JNIEnv* env, jclass clazz) { return TCP_KEEPINTVL; }
static jint gonetpoll_native_tcpKeepcnt(JNIEnv* env, jclass clazz) { return TCP_KEEPCNT; }
static jint gonetpoll_native_tcpUserTimeout(JNIEnv* env, jclass clazz) { return TCP_USER_TIMEOUT; }
static jint gonetpoll_native_tcpQuickack(JNIEnv* env, jclass clazz) { return TCP_QUICKACK; }
static jint gonetpoll_native_tcpNotsentLowat(JNIEnv* env, jclass clazz) { return TCP_NOTSENT_LOWAT; }
static jint gonetpoll_native_tcpFastopen(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN; }
static jint gonetpoll_native_tcpFastopenConnect(JNIEnv* env, jclass clazz) { return TCP_FASTOPEN_CONNECT; }
static jint gonetpoll_native_ipFreebind(JNIEnv* env, jclass clazz) { return IP_FREEBIND; }
static jint gonetpoll_native_ipTransparent(JNIEnv* env, jclass clazz) { return IP_TRANSPARENT; }
static jint gonetpoll_native_ipv6Transparent(JNIEnv* env, jclass clazz) { return IPV6_TRANSPARENT; }

// JNI Registered Methods End

static const JNINativeMethod methods[] = {
    { "registerUnix", "()I", (void*) gonetpoll_native_registerUnix },
    { "epollCreate0", "()I", (void*) gonetpoll_native_epollCreate },
    { "eventFd0", "()I", (void*) gonetpoll_native_eventFd },
    { "eventFdWrite0", "(IJ)I", (void*) gonetpoll_native_eventFdWrite },
    { "eventFdRead0", "(I)I", (void*) gonetpoll_native_eventFdRead },
    { "epollCtlAdd0", "(IIIJ)I", (void*) gonetpoll_native_epollCtlAdd },
    { "epollCtlDel0", "(II)I", (void*) gonetpoll_native_epollCtlDel },
    { "epollWait0", "(IJII)I", (void*) gonetpoll_native_epollWait },
    { "epollPwait20", "(IJIJ)I", (void*) gonetpoll_native_epollPwait2 },
    { "isEpollPwait2Supported", "()Z", (void*) gonetpoll_native_isEpollPwait2Supported },
    { "sendFile0", "(ILio/netty/channel/DefaultFileRegion;JJJ)J", (void*) gonetpoll_native_sendFile },
    { "receiveQueueBytes0", "(I)I", (void*) gonetpoll_native_receiveQueueBytes },
    { "acceptQueueLength0", "(I)I", (void*) gonetpoll_native_acceptQueueLength },
    { "epollin", "()I", (void*) gonetpoll_native_epollin },
    { "epollout", "()I", (void*) gonetpoll_native_epollout },
    { "epollrdhup", "()I", (void*) gonetpoll_native_epollrdhup },
    { "epollhup", "()I", (void*) gonetpoll_native_epollhup },
    { "epollerr", "()I", (void*) gonetpoll_native_epollerr },
    { "epollet", "()I", (void*) gonetpoll_native_epollet },
    { "sizeofEpollEvent", "()I", (void*) gonetpoll_native_sizeofEpollEvent },
    { "offsetofEpollData", "()I", (void*) gonetpoll_native_offsetofEpollData },
    { "errnoEintr", "()I", (void*) gonetpoll_native_errnoEintr },
    { "errnoEagain", "()I", (void*) gonetpoll_native_errnoEagain },
    { "errnoEmfile", "()I", (void*) gonetpoll_native_errnoEmfile },
    { "errnoEnfile", "()I", (void*) gonetpoll_native_errnoEnfile },
    { "errnoEnobufs", "()I", (void*) gonetpoll_native_errnoEnobufs },
    { "errnoEnomem", "()I", (void*) gonetpoll_native_errnoEnomem },
    { "errnoEconnaborted", "()I", (void*) gonetpoll_native_errnoEconnaborted },
    { "solIp", "()I", (void*) gonetpoll_native_solIp },
    { "solIpv6", "()I", (void*) gonetpoll_native_solIpv6 },
    { "ipprotoTcp", "()I", (void*) gonetpoll_native_ipprotoTcp },
    { "tcpCork", "()I", (void*) gonetpoll_native_tcpCork },
    { "tcpKeepidle", "()I", (void*) gonetpoll_native_tcpKeepidle },
    { "tcpKeepintvl", "()I", (void*) gonetpoll_native_tcpKeepintvl },
    { "tcpKeepcnt", "()I", (void*) gonetpoll_native_tcpKeepcnt },
    { "tcpUserTimeout", "()I", (void*) gonetpoll_native_tcpUserTimeout },
    { "tcpQuickack", "()I", (void*) gonetpoll_native_tcpQuickack },
    { "tcpNotsentLowat", "()I", (void*) gonetpoll_native_tcpNotsentLowat },
    { "tcpFastopen", "()I", (void*) gonetpoll_native_tcpFastopen },
    { "tcpFastopenConnect", "()I", (void*) gonetpoll_native_tcpFastopenConnect },
    { "ipFreebind", "()I", (void*) gonetpoll_native_ipFreebind },
    { "ipTransparent", "()I", (void*) gonetpoll_native_ipTransparent },
    { "ipv6Transparent", "()I", (void*) gonetpoll_native_ipv6Transparent },
};

static void probeEpollPwait2(void) {
    int efd = epoll_create1(EPOLL_CLOEXEC);
    if (efd < 0) {
        return;
    }
    struct epoll_event ev;
    struct timespec zero = { 0, 0 };
    epollPwait2Supported = syscall(SYS_epoll_pwait2, efd, &ev, 1, &zero, NULL, 0) >= 0 ? JNI_TRUE : JNI_FALSE;
    close(efd);
}

static jboolean lookupField(JNIEnv* env, const char* className, const char* name, const char* sig,
                            jfieldID* out) {
    jclass clazz = (*env)->FindClass(env, className);
    if (clazz == NULL) {
        return JNI_FALSE;
    }
    *out = (*env)->GetFieldID(env, clazz, name, sig);
    (*env)->DeleteLocalRef(env, clazz);
    return *out != NULL;
}

JNIEXPORT jint JNI_OnLoad(JavaVM* vm, void* reserved) {
    JNIEnv* env;
    if ((*vm)->GetEnv(vm, (void**) &env, JNI_VERSION_1_6) != JNI_OK) {
        return JNI_ERR;
    }
    if (!lookupField(env, "io/netty/channel/DefaultFileRegion", "file", "Ljava/nio/channels/FileChannel;",
                     &fileRegionFileField)
            || !lookupField(env, "io/netty/channel/DefaultFileRegion", "transferred", "J",
                            &fileRegionTransferredField)
            || !lookupField(env, "sun/nio/ch/FileChannelImpl", "fd", "Ljava/io/FileDescriptor;",
                            &fileChannelFdField)
            || !lookupField(env, "java/io/FileDescriptor", "fd", "I", &fileDescriptorFdField)) {
        return JNI_ERR;
    }
    jclass nativeClass = (*env)->FindClass(env, NATIVE_CLASS);
    if (nativeClass == NULL) {
        return JNI_ERR;
    }
    jint rc = (*env)->RegisterNatives(env, nativeClass, methods, sizeof(methods) / sizeof(methods[0]));
    (*env)->DeleteLocalRef(env, nativeClass);
    if (rc != JNI_OK) {
        return JNI_ERR;
    }
    probeEpollPwait2();
    return JNI_VERSION_1_6;
}

JNIEXPORT void JNI_OnUnload(JavaVM* vm, void* reserved) {
    JNIEnv* env;
    if ((*vm)->GetEnv(vm, (void**) &env, JNI_VERSION_1_6) != JNI_OK) {
        return;
    }
    jclass nativeClass = (*env)->FindClass(env, NATIVE_CLASS);
    if (nativeClass != NULL) {
        (*env)->UnregisterNatives(env, nativeClass);
        (*env)->DeleteLocalRef(env, nativeClass);
    }
}
