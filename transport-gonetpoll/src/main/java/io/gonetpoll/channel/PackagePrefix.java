package io.gonetpoll.channel;

import io.netty.util.internal.NativeLibraryLoader;

/**
 * The package prefix a shading tool (the maven-shade-plugin, Gradle's shadow) put before GoNetpoll's and Netty's
 * classes when it relocated them ({@code io.gonetpoll -> p.q.io.gonetpoll}, {@code io.netty -> p.q.io.netty}), as
 * Netty's {@code NativeLibraryLoader} computes its own: {@code ""} where they were not relocated.
 *
 * <p>The JNI library's file name carries the prefix, mangled ({@code lib<mangled>gonetpoll_native_<arch>.so}),
 * and the library reads it back to find the classes it registers ({@code gonetpoll_jni.c}). Netty's loader adds
 * Netty's mangled prefix to every name it loads, so the one prefix in the name must serve both GoNetpoll's
 * classes and Netty's: they must be relocated under the same one, which {@link #shared()} checks.
 */
final class PackagePrefix {
    // Spelled with '!': a shading tool rewrites string constants that name a relocated class, and these must stay
    // the names before relocation.
    private static final String NATIVE = "io!gonetpoll!channel!Native".replace('!', '.');
    private static final String NETTY_LOADER = "io!netty!util!internal!NativeLibraryLoader".replace('!', '.');

    private PackagePrefix() {
    }

    /**
     * The prefix both GoNetpoll's and Netty's classes were relocated under ({@code "p.q."}, or {@code ""}); an
     * {@link UnsatisfiedLinkError} that names both if they differ or if a class was renamed beyond a prefix.
     */
    static String shared() {
        String gonetpoll = of(Native.class, NATIVE);
        String netty = of(NativeLibraryLoader.class, NETTY_LOADER);
        if (!gonetpoll.equals(netty)) {
            throw new UnsatisfiedLinkError("GoNetpoll's classes are relocated under '" + gonetpoll + "' and Netty's "
                    + "under '" + netty + "': a shaded GoNetpoll needs both under the same package prefix (its JNI "
                    + "library's file name carries one)");
        }
        return gonetpoll;
    }

    /** The prefix as a library file name spells it, as Netty mangles it: {@code '_'} to {@code "_1"}, {@code '.'} to {@code '_'}. */
    static String mangled(String prefix) {
        return prefix.replace("_", "_1").replace('.', '_');
    }

    /** {@code className} without the prefix {@link #shared()} would return, if it starts with it. */
    static String unrelocated(String className) {
        String prefix = of(NativeLibraryLoader.class, NETTY_LOADER);
        return className.startsWith(prefix) ? className.substring(prefix.length()) : className;
    }

    private static String of(Class<?> relocated, String original) {
        String name = relocated.getName();
        if (!name.endsWith(original)) {
            throw new UnsatisfiedLinkError("cannot tell the package prefix added to " + original + " to make "
                    + name + ": a shading tool may only add a prefix");
        }
        return name.substring(0, name.length() - original.length());
    }
}
