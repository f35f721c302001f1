package io.gonetpoll.channel;

import io.netty.channel.unix.FileDescriptor;
import io.netty.util.internal.PlatformDependent;

/**
 * Tells whether the GoNetpoll transport can run here (as Netty's {@code Epoll} does for its transport).
 *
 * <p>The probe runs once: on Linux it checks that the library implements every native of the running Netty's
 * {@code io.netty.channel.unix} classes ({@code UnixNatives}), loads it, and opens and closes an epoll fd and an
 * eventfd.
 * Everywhere else, or if the library cannot load, {@link #unavailabilityCause()} says why, so that a
 * bootstrap fails with that reason up front instead of an {@link UnsatisfiedLinkError} later.
 */
public final class GoNetpoll {
    private static final Throwable UNAVAILABILITY_CAUSE = probe();

    private GoNetpoll() {
    }

    /** Returns {@code true} if the GoNetpoll transport can be used on this machine. */
    public static boolean isAvailable() {
        return UNAVAILABILITY_CAUSE == null;
    }

    /**
     * Throws an {@link UnsatisfiedLinkError} whose cause is {@link #unavailabilityCause()} if the transport
     * cannot be used here; returns normally otherwise.
     */
    public static void ensureAvailability() {
        if (UNAVAILABILITY_CAUSE != null) {
            throw (Error) new UnsatisfiedLinkError(
                    "GoNetpoll transport is not available: " + UNAVAILABILITY_CAUSE.getMessage())
                    .initCause(UNAVAILABILITY_CAUSE);
        }
    }

    /** Returns why the transport cannot be used here, or {@code null} if it can. */
    public static Throwable unavailabilityCause() {
        return UNAVAILABILITY_CAUSE;
    }

    private static Throwable probe() {
        if (!"linux".equals(PlatformDependent.normalizedOs())) {
            return new UnsupportedOperationException(
                    "GoNetpoll runs on Linux only (this is " + System.getProperty("os.name") + ")");
        }
        try {
            // Before the library is loaded: Netty's unix classes of a release whose natives it lacks would link
            // now and fail at their first call, possibly inside a loop.
            String unimplemented = UnixNatives.unimplemented();
            if (unimplemented != null) {
                return new UnsupportedOperationException(unimplemented);
            }
            FileDescriptor epollFd = Native.newEpollFd();
            FileDescriptor eventFd = null;
            try {
                eventFd = Native.newEventFd();
            } finally {
                epollFd.close();
                if (eventFd != null) {
                    eventFd.close();
                }
            }
            return null;
        } catch (ExceptionInInitializerError e) {
            // Native's static initializer failed (library missing or not loadable): report its cause.
            return e.getCause() != null ? e.getCause() : e;
        } catch (Throwable t) {
            return t;
        }
    }
}
