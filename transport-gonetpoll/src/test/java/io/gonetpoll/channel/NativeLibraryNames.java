package io.gonetpoll.channel;

import io.netty.util.internal.PlatformDependent;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * The names under which {@link Native} looks for its library, computed the way it and Netty's NativeLibraryLoader
 * do: {@code META-INF/native/} + {@code System.mapLibraryName(LIBRARY_NAME_PREFIX + normalizedArch)}, where
 * {@code normalizedArch} is Netty's {@code PlatformDependent.normalizeArch(os.arch)}. Both private values are read
 * by reflection, so these names follow the code instead of repeating it.
 */
final class NativeLibraryNames {
    private NativeLibraryNames() {
    }

    /** The resource path of the library for Netty's normalized architecture {@code arch} (x86_64, aarch_64). */
    static String resource(String arch) throws ReflectiveOperationException {
        Field prefix = Native.class.getDeclaredField("LIBRARY_NAME_PREFIX");
        prefix.setAccessible(true);
        return "META-INF/native/" + System.mapLibraryName(prefix.get(null) + arch);
    }

    /** Netty's normalisation of an {@code os.arch} value, as {@link PlatformDependent#normalizedArch()} applies it. */
    static String normalizedArch(String osArch) throws ReflectiveOperationException {
        Method normalize = PlatformDependent.class.getDeclaredMethod("normalizeArch", String.class);
        normalize.setAccessible(true);
        return (String) normalize.invoke(null, osArch);
    }
}
