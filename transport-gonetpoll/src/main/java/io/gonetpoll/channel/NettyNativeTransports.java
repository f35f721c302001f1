package io.gonetpoll.channel;

import io.netty.channel.unix.Unix;

/**
 * Netty's own native transports in this JVM, as owners of the {@code io.netty.channel.unix} natives. Every
 * native transport links its own copy of unix-common and registers it for the one set of unix classes, so the
 * last to register serves everyone. Netty's epoll and io_uring libraries come with the classes' release;
 * GoNetpoll's copy is the build's (4.2.17), so GoNetpoll registering after them would downgrade their natives.
 * Where one of them is present and works, GoNetpoll lets it serve (loading it if nobody has yet) and registers
 * only its fill-ins for natives the classes declare beyond what its archive has ({@code gonetpoll_jni.c}).
 */
final class NettyNativeTransports {
    /** Netty's availability classes, probed in this order; looked up by name: neither is a dependency. */
    private static final String[] AVAILABILITY_CLASSES = {
        "io.netty.channel.epoll.Epoll",
        "io.netty.channel.uring.IoUring",
    };

    private NettyNativeTransports() {
    }

    /**
     * The availability class of a Netty native transport that has registered the unix natives in this JVM (its
     * probe loads its library, which registers them), or {@code null} if none is present and working.
     */
    static String unixNativesOwner() {
        for (String name : AVAILABILITY_CLASSES) {
            try {
                Class<?> availability = Class.forName(name, true, Unix.class.getClassLoader());
                if (Boolean.TRUE.equals(availability.getMethod("isAvailable").invoke(null))) {
                    return name;
                }
            } catch (ReflectiveOperationException | LinkageError | RuntimeException absentOrBroken) {
                // Not on the class path, or of another release than the unix classes: not an owner.
            }
        }
        return null;
    }
}
