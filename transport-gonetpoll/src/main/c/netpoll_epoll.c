/*
 * The poller, Go's runtime/netpoll_epoll.go: epoll_create1, epoll_ctl ADD and DEL, epoll_wait, epoll_pwait2
 * and the load-time probe that says whether it works, the wakeup eventfd (create, read, write), and the
 * constants the poller reads once: EPOLL* flags, struct epoll_event's size and data offset, EINTR and EAGAIN.
 * Its Java side is Native.java. Nothing about sockets belongs here (that is socket_extras.c), and nothing
 * about registering with the JVM (that is gonetpoll_jni.c).
 *
 * Every function is one syscall (or one syscall plus its EINTR/EAGAIN policy, stated beside it) and returns
 * the result or -errno; Native.java turns -errno into an exception in exactly one place. There is no state
 * machine in C and no upcall into Java: PollDesc.java owns the readiness state (Go: runtime/netpoll.go).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jni.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "gonetpoll_jni.h"

// epoll_pwait2 (Linux 5.11) is called through syscall(2) so the library also loads with a glibc older than
// 2.35; the number is the same on x86_64 and aarch64 (asm-generic table).
#ifndef SYS_epoll_pwait2
#define SYS_epoll_pwait2 441
#endif

// Set once by netpoll_epoll_load, probing a throw-away epoll fd (some kernels and seccomp filters answer ENOSYS).
static jboolean epollPwait2Supported = JNI_FALSE;

static jint netpoll_epoll_epollCreate(JNIEnv* env, jclass clazz) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static jint netpoll_epoll_eventFd(JNIEnv* env, jclass clazz) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

// EINTR: retried. EAGAIN (the 64-bit counter would overflow): drain it with a read, then write again.
static jint netpoll_epoll_eventFdWrite(JNIEnv* env, jclass clazz, jint fd, jlong value) {
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
static jint netpoll_epoll_eventFdRead(JNIEnv* env, jclass clazz, jint fd) {
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
static jint netpoll_epoll_epollCtlAdd(JNIEnv* env, jclass clazz, jint efd, jint fd, jint events, jlong data) {
    struct epoll_event ev = { .events = (uint32_t) events, .data.u64 = (uint64_t) data };
    return epoll_ctl(efd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static jint netpoll_epoll_epollCtlDel(JNIEnv* env, jclass clazz, jint efd, jint fd) {
    // A non-NULL event pointer keeps kernels before 2.6.9 happy; it is ignored for DEL.
    struct epoll_event ev = { 0 };
    return epoll_ctl(efd, EPOLL_CTL_DEL, fd, &ev) < 0 ? -errno : 0;
}

// EINTR is returned as -EINTR: Java retries a non-blocking wait and returns from a blocking one so the
// loop recomputes its timeout (Go: netpoll returns an empty list on EINTR for a timed wait).
static jint netpoll_epoll_epollWait(JNIEnv* env, jclass clazz, jint efd, jlong address, jint len,
                                    jint timeoutMillis) {
    int ready = epoll_wait(efd, (struct epoll_event*) (intptr_t) address, len, timeoutMillis);
    return ready < 0 ? -errno : ready;
}

// timeoutNanos < 0 blocks without a timeout. EINTR policy as epollWait.
static jint netpoll_epoll_epollPwait2(JNIEnv* env, jclass clazz, jint efd, jlong address, jint len,
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

static jboolean netpoll_epoll_isEpollPwait2Supported(JNIEnv* env, jclass clazz) {
    return epollPwait2Supported;
}

// Constants and struct layout, read once by Native.java. IMPORTANT: every name here must match a
// native method declared in Native.java.
static jint netpoll_epoll_epollin(JNIEnv* env, jclass clazz) { return EPOLLIN; }
static jint netpoll_epoll_epollout(JNIEnv* env, jclass clazz) { return EPOLLOUT; }
static jint netpoll_epoll_epollrdhup(JNIEnv* env, jclass clazz) { return EPOLLRDHUP; }
static jint netpoll_epoll_epollpri(JNIEnv* env, jclass clazz) { return EPOLLPRI; }
static jint netpoll_epoll_epollhup(JNIEnv* env, jclass clazz) { return EPOLLHUP; }
static jint netpoll_epoll_epollerr(JNIEnv* env, jclass clazz) { return EPOLLERR; }
static jint netpoll_epoll_epollet(JNIEnv* env, jclass clazz) { return (jint) EPOLLET; }
static jint netpoll_epoll_sizeofEpollEvent(JNIEnv* env, jclass clazz) { return sizeof(struct epoll_event); }
static jint netpoll_epoll_offsetofEpollData(JNIEnv* env, jclass clazz) {
    return offsetof(struct epoll_event, data);
}
static jint netpoll_epoll_errnoEintr(JNIEnv* env, jclass clazz) { return EINTR; }
static jint netpoll_epoll_errnoEagain(JNIEnv* env, jclass clazz) { return EAGAIN; }

static const JNINativeMethod methods[] = {
    { "epollCreate0", "()I", (void*) netpoll_epoll_epollCreate },
    { "eventFd0", "()I", (void*) netpoll_epoll_eventFd },
    { "eventFdWrite0", "(IJ)I", (void*) netpoll_epoll_eventFdWrite },
    { "eventFdRead0", "(I)I", (void*) netpoll_epoll_eventFdRead },
    { "epollCtlAdd0", "(IIIJ)I", (void*) netpoll_epoll_epollCtlAdd },
    { "epollCtlDel0", "(II)I", (void*) netpoll_epoll_epollCtlDel },
    { "epollWait0", "(IJII)I", (void*) netpoll_epoll_epollWait },
    { "epollPwait20", "(IJIJ)I", (void*) netpoll_epoll_epollPwait2 },
    { "isEpollPwait2Supported", "()Z", (void*) netpoll_epoll_isEpollPwait2Supported },
    { "epollin", "()I", (void*) netpoll_epoll_epollin },
    { "epollout", "()I", (void*) netpoll_epoll_epollout },
    { "epollrdhup", "()I", (void*) netpoll_epoll_epollrdhup },
    { "epollpri", "()I", (void*) netpoll_epoll_epollpri },
    { "epollhup", "()I", (void*) netpoll_epoll_epollhup },
    { "epollerr", "()I", (void*) netpoll_epoll_epollerr },
    { "epollet", "()I", (void*) netpoll_epoll_epollet },
    { "sizeofEpollEvent", "()I", (void*) netpoll_epoll_sizeofEpollEvent },
    { "offsetofEpollData", "()I", (void*) netpoll_epoll_offsetofEpollData },
    { "errnoEintr", "()I", (void*) netpoll_epoll_errnoEintr },
    { "errnoEagain", "()I", (void*) netpoll_epoll_errnoEagain },
};

const JNINativeMethod* netpoll_epoll_methods(jint* count) {
    *count = (jint) (sizeof(methods) / sizeof(methods[0]));
    return methods;
}

void netpoll_epoll_load(void) {
    int efd = epoll_create1(EPOLL_CLOEXEC);
    if (efd < 0) {
        return;
    }
    struct epoll_event ev;
    struct timespec zero = { 0, 0 };
    epollPwait2Supported = syscall(SYS_epoll_pwait2, efd, &ev, 1, &zero, NULL, 0) >= 0 ? JNI_TRUE : JNI_FALSE;
    close(efd);
}
