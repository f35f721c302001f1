package io.gonetpoll.channel;

import io.netty.channel.DefaultFileRegion;
import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Unix;
import io.netty.util.internal.NativeLibraryLoader;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;

/**
 * The JNI surface (Go: {@code runtime/netpoll_epoll.go}): epoll, eventfd, sendfile and the constants they use.
 *
 * <p>Every {@code native …0} method returns the result or {@code -errno}; the wrapper beside it turns
 * {@code -errno} into a {@link Errors.NativeIoException} — the only place that happens. Class initialisation
 * loads {@code libgonetpoll_native_<arch>.so} from {@code META-INF/native/} in our jar, then registers Netty's
 * unix-common natives (linked into the same library) through {@link Unix#registerInternal(Runnable)}, which
 * serialises with Netty's own native transports loaded in the same JVM and runs {@code Socket.initialize()}.
 * If anything fails the class does not initialise and {@link GoNetpoll#unavailabilityCause()} carries why.
 */
final class Native {
    // This class is io/gonetpoll/channel/Native; IMPORTANT: must match NATIVE_CLASS in gonetpoll_native.c.

    /** IMPORTANT: must match {@code native.lib.name} in transport-gonetpoll/pom.xml (plus the architecture). */
    private static final String LIBRARY_NAME_PREFIX = "gonetpoll_native_";

    static {
        loadLibrary();
        Unix.registerInternal(Native::registerUnixOrThrow);
    }

    // IMPORTANT: every constant below must have a native function of the same name in gonetpoll_native.c.
    static final int EPOLLIN = epollin();
    static final int EPOLLOUT = epollout();
    static final int EPOLLRDHUP = epollrdhup();
    static final int EPOLLHUP = epollhup();
    static final int EPOLLERR = epollerr();
    static final int EPOLLET = epollet();
    static final int SIZEOF_EPOLL_EVENT = sizeofEpollEvent();
    static final int OFFSETOF_EPOLL_DATA = offsetofEpollData();

    static final int ERRNO_EINTR_NEGATIVE = -errnoEintr();
    static final int ERRNO_EAGAIN_NEGATIVE = -errnoEagain();
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
    static final int TCP_NOTSENT_LOWAT = tcpNotsentLowat();
    static final int TCP_FASTOPEN = tcpFastopen();
    static final int TCP_FASTOPEN_CONNECT = tcpFastopenConnect();
    static final int IP_FREEBIND = ipFreebind();
    static final int IP_TRANSPARENT = ipTransparent();
    static final int IPV6_TRANSPARENT = ipv6Transparent();

    /** The mask every socket is registered with, once (Go: {@code netpollopen}). */
    static final int EPOLL_REGISTRATION_EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;

    /** {@code epoll_pwait2} answered a probe at load time (Linux 5.11+, not filtered by seccomp). */
    static final boolean EPOLL_PWAIT2_SUPPORTED = isEpollPwait2Supported();

    private Native() {
    }

    private static void loadLibrary() {
        String arch = PlatformDependent.normalizedArch();
        if (!"x86_64".equals(arch) && !"aarch_64".equals(arch)) {
            throw new UnsupportedOperationException(
                    "GoNetpoll has a JNI library for Linux x86_64 and aarch64 only, not for " + arch);
        }
        NativeLibraryLoader.load(LIBRARY_NAME_PREFIX + arch, Native.class.getClassLoader());
    }

    private static void registerUnixOrThrow() {
        int jniVersion = registerUnix();
        if (jniVersion < 0) {
            throw new UnsatisfiedLinkError("netty_unix_register failed: " + jniVersion);
        }
    }

    static FileDescriptor newEpollFd() throws IOException {
        return new FileDescriptor(check("epoll_create1", epollCreate0()));
    }

    static FileDescriptor newEventFd() throws IOException {
        return new FileDescriptor(check("eventfd", eventFd0()));
    }

    static void eventFdWrite(int fd, long value) throws IOException {
        check("eventfd_write", eventFdWrite0(fd, value));
    }

    /** Resets the eventfd counter; an already-zero counter (EAGAIN) is not an error. */
    static void eventFdDrain(int fd) throws IOException {
        int res = eventFdRead0(fd);
        if (res < 0 && res != ERRNO_EAGAIN_NEGATIVE) {
            throw Errors.newIOException("eventfd_read", res);
        }
    }

    static void epollCtlAdd(int epollFd, int fd, int events, long data) throws IOException {
        check("epoll_ctl(ADD)", epollCtlAdd0(epollFd, fd, events, data));
    }

    static void epollCtlDel(int epollFd, int fd) throws IOException {
        check("epoll_ctl(DEL)", epollCtlDel0(epollFd, fd));
    }

    /**
     * Waits with {@code epoll_wait} ({@code timeoutMillis < 0} blocks). Returns the number of events, or
     * {@code 0} when a signal interrupted the wait (the caller recomputes its timeout and waits again).
     */
    static int epollWait(int epollFd, long eventsAddress, int maxEvents, int timeoutMillis) throws IOException {
        int res = epollWait0(epollFd, eventsAddress, maxEvents, timeoutMillis);
        return res == ERRNO_EINTR_NEGATIVE ? 0 : check("epoll_wait", res);
    }

    /** As {@link #epollWait} with a nanosecond timeout ({@code < 0} blocks); needs {@link #EPOLL_PWAIT2_SUPPORTED}. */
    static int epollPwait2(int epollFd, long eventsAddress, int maxEvents, long timeoutNanos) throws IOException {
        int res = epollPwait20(epollFd, eventsAddress, maxEvents, timeoutNanos);
        return res == ERRNO_EINTR_NEGATIVE ? 0 : check("epoll_pwait2", res);
    }

    /**
     * {@code sendfile(2)} from an opened {@link DefaultFileRegion}; advances its transferred count. Returns the
     * bytes sent, {@code 0} at the end of the file, or {@code -1} if the socket buffer is full (EAGAIN).
     */
    static long sendFile(int socketFd, DefaultFileRegion region, long position, long offset, long count)
            throws IOException {
        long res = sendFile0(socketFd, region, position, offset, count);
        if (res >= 0) {
            return res;
        }
        if (res == ERRNO_EAGAIN_NEGATIVE) {
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

    private static int check(String syscall, int res) throws IOException {
        if (res < 0) {
            throw Errors.newIOException(syscall, res);
        }
        return res;
    }

    private static native int registerUnix();
    private static native int epollCreate0();
    private static native int eventFd0();
    private static native int eventFdWrite0(int fd, long value);
    private static native int eventFdRead0(int fd);
    private static native int epollCtlAdd0(int epollFd, int fd, int events, long data);
    private static native int epollCtlDel0(int epollFd, int fd);
    private static native int epollWait0(int epollFd, long eventsAddress, int maxEvents, int timeoutMillis);
    private static native int epollPwait20(int epollFd, long eventsAddress, int maxEvents, long timeoutNanos);
    private static native boolean isEpollPwait2Supported();
    private static native long sendFile0(int socketFd, DefaultFileRegion region, long position, long offset,
                                         long count);
    private static native int receiveQueueBytes0(int fd);
    private static native int acceptQueueLength0(int fd);

    private static native int epollin();
    private static native int epollout();
    private static native int epollrdhup();
    private static native int epollhup();
    private static native int epollerr();
    private static native int epollet();
    private static native int sizeofEpollEvent();
    private static native int offsetofEpollData();
    private static native int errnoEintr();
    private static native int errnoEagain();
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
    private static native int tcpNotsentLowat();
    private static native int tcpFastopen();
    private static native int tcpFastopenConnect();
    private static native int ipFreebind();
    private static native int ipTransparent();
    private static native int ipv6Transparent();
}
