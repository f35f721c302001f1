package io.gonetpoll.channel;

import io.netty.channel.unix.Errors;
import io.netty.channel.unix.FileDescriptor;
import io.netty.channel.unix.Unix;
import io.netty.util.internal.NativeLibraryLoader;
import io.netty.util.internal.PlatformDependent;

import java.io.IOException;

/**
 * The poller's JNI surface (Go: {@code runtime/netpoll_epoll.go}; C: {@code netpoll_epoll.c}): epoll, eventfd and
 * the constants they use. The socket calls Netty's unix-common lacks are {@link SocketNative}'s.
 *
 * <p>Every {@code native …0} method returns the result or {@code -errno}; the wrapper beside it turns
 * {@code -errno} into a {@link Errors.NativeIoException} — the only place that happens. Class initialisation
 * loads {@code libgonetpoll_native_<arch>.so} from {@code META-INF/native/} in our jar (with the mangled package
 * prefix after {@code lib} in a shaded copy: {@link PackagePrefix}), whose {@code JNI_OnLoad}
 * registers the natives of this class and of {@link SocketNative}, then registers Netty's unix-common natives
 * (linked into the same library) through {@link Unix#registerInternal(Runnable)}, which serialises with Netty's
 * own native transports loaded in the same JVM and runs {@code Socket.initialize()}; unless one of those serves
 * them already ({@link NettyNativeTransports}): then only GoNetpoll's fill-ins are registered. If anything fails the class
 * does not initialise and {@link GoNetpoll#unavailabilityCause()} carries why.
 */
final class Native {
    // This class is io/gonetpoll/channel/Native; IMPORTANT: must match NATIVE_CLASS in gonetpoll_jni.c.

    /**
     * IMPORTANT: must match {@code native.lib.name} in transport-gonetpoll/pom.xml (plus the architecture) and
     * {@code LIBRARY_NAME} in gonetpoll_jni.c.
     */
    private static final String LIBRARY_NAME_PREFIX = "gonetpoll_native_";

    /**
     * The Netty transport whose library serves the unix natives ({@link NettyNativeTransports}), or {@code null}
     * when GoNetpoll's own copy does.
     */
    static final String UNIX_NATIVES_OWNER;

    static {
        loadLibrary();
        UNIX_NATIVES_OWNER = NettyNativeTransports.unixNativesOwner();
        if (UNIX_NATIVES_OWNER == null) {
            Unix.registerInternal(Native::registerUnixOrThrow);
        } else {
            Unix.registerInternal(Native::registerUnixFillIns);
        }
    }

    // IMPORTANT: every constant below must have a native function of the same name in netpoll_epoll.c.
    static final int EPOLLIN = epollin();
    static final int EPOLLOUT = epollout();
    static final int EPOLLRDHUP = epollrdhup();
    static final int EPOLLPRI = epollpri();
    static final int EPOLLHUP = epollhup();
    static final int EPOLLERR = epollerr();
    static final int EPOLLET = epollet();
    static final int SIZEOF_EPOLL_EVENT = sizeofEpollEvent();
    static final int OFFSETOF_EPOLL_DATA = offsetofEpollData();

    static final int ERRNO_EINTR_NEGATIVE = -errnoEintr();
    static final int ERRNO_EAGAIN_NEGATIVE = -errnoEagain();

    /**
     * The mask every socket is registered with, once (Go: {@code netpollopen}). Go's mask has no
     * {@code EPOLLPRI}; ours does, because TCP urgent data stops a read at its mark and so makes a short read
     * untrustworthy: the edge that announces it must be seen (docs/epoll-pitfalls.md).
     */
    static final int EPOLL_REGISTRATION_EVENTS = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLPRI | EPOLLET;

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
        // Relocated by a shading tool, the library is lib<mangled prefix>gonetpoll_native_<arch>.so: Netty's loader
        // adds Netty's mangled prefix to the name, which must then be GoNetpoll's too (PackagePrefix).
        String prefix = PackagePrefix.shared();
        try {
            NativeLibraryLoader.load(LIBRARY_NAME_PREFIX + arch, Native.class.getClassLoader());
        } catch (UnsatisfiedLinkError e) {
            if (prefix.isEmpty()) {
                throw e;
            }
            throw (Error) new UnsatisfiedLinkError("GoNetpoll's classes are relocated under '" + prefix + "': its JNI "
                    + "library must be renamed with them, to META-INF/native/lib" + PackagePrefix.mangled(prefix)
                    + LIBRARY_NAME_PREFIX + arch + ".so (README, Packaging)").initCause(e);
        }
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

    private static int check(String syscall, int res) throws IOException {
        if (res < 0) {
            throw Errors.newIOException(syscall, res);
        }
        return res;
    }

    private static native int registerUnix(); // in gonetpoll_jni.c, as the next; the natives below in netpoll_epoll.c
    private static native void registerUnixFillIns();
    private static native int epollCreate0();
    private static native int eventFd0();
    private static native int eventFdWrite0(int fd, long value);
    private static native int eventFdRead0(int fd);
    private static native int epollCtlAdd0(int epollFd, int fd, int events, long data);
    private static native int epollCtlDel0(int epollFd, int fd);
    private static native int epollWait0(int epollFd, long eventsAddress, int maxEvents, int timeoutMillis);
    private static native int epollPwait20(int epollFd, long eventsAddress, int maxEvents, long timeoutNanos);
    private static native boolean isEpollPwait2Supported();

    private static native int epollin();
    private static native int epollout();
    private static native int epollrdhup();
    private static native int epollpri();
    private static native int epollhup();
    private static native int epollerr();
    private static native int epollet();
    private static native int sizeofEpollEvent();
    private static native int offsetofEpollData();
    private static native int errnoEintr();
    private static native int errnoEagain();
}
