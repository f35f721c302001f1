package io.gonetpoll.channel;

import io.netty.channel.unix.Unix;
import io.netty.util.Version;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Whether GoNetpoll's library implements every native method of the {@code io.netty.channel.unix} classes
 * running in this JVM. Those classes come from whatever Netty the application has; their natives come from the
 * {@code libnetty-unix-common.a} GoNetpoll was linked with, plus a few fill-ins for natives later releases added
 * ({@code gonetpoll_jni.c}). A native nobody implements fails only when first called, possibly inside the loop
 * long after start-up, so it is looked for once, up front, and makes GoNetpoll unavailable with a cause that
 * names it and the Netty version found.
 */
final class UnixNatives {
    /** The linked archive's natives, as {@code class#method(parameter types)}. */
    private static final String RESOURCE = "unix-common-natives.txt";
    /** IMPORTANT: must match the fill-in tables of gonetpoll_jni.c (registerFillIns). */
    static final Set<String> FILL_INS = Set.of(
            "io.netty.channel.unix.ErrorsStaticallyReferencedJniMethods#errnoENAMETOOLONG()");
    /** The releases this check was made against (UnixNativesTest and the Netty 4.2.20 integration test). */
    static final String SUPPORTED = "Netty 4.2.17 to 4.2.20";

    private UnixNatives() {
    }

    /**
     * Returns why the running unix classes cannot be served, or {@code null} if every native they declare is
     * implemented, or if their classes cannot be listed (a native image, a class loader without a code source):
     * then the check cannot be made, and a missing native would fail when called, as without it. Loads the
     * classes without initialising them.
     */
    static String unimplemented() {
        Set<String> implemented = new HashSet<>(linked());
        FILL_INS.forEach(fillIn -> implemented.add(PackagePrefix.unrelocated(fillIn)));
        Set<String> declared;
        try {
            declared = declared();
        } catch (IllegalStateException cannotList) {
            return null;
        }
        Set<String> missing = new TreeSet<>(declared);
        missing.removeAll(implemented);
        if (missing.isEmpty()) {
            return null;
        }
        return nettyVersion() + "'s io.netty.channel.unix classes declare native methods GoNetpoll's library "
                + "does not implement: " + String.join(", ", missing) + " (supported: " + SUPPORTED + ")";
    }

    /** The natives the linked archive implements. */
    static Set<String> linked() {
        try (InputStream in = UnixNatives.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from GoNetpoll's jar");
            }
            Set<String> natives = new HashSet<>();
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                reader.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).forEach(natives::add);
            }
            return natives;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + RESOURCE, e);
        }
    }

    /** The natives declared by the {@code io.netty.channel.unix} classes next to {@link Unix}. */
    static Set<String> declared() {
        Set<String> natives = new TreeSet<>();
        for (String className : unixClassNames()) {
            Class<?> type;
            try {
                type = Class.forName(className, false, Unix.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                if (Modifier.isNative(method.getModifiers())) {
                    natives.add(key(method));
                }
            }
        }
        return natives;
    }

    /** The method as the archive's list names it: class names as before any relocation by a shading tool. */
    static String key(Method method) {
        StringBuilder key = new StringBuilder(PackagePrefix.unrelocated(method.getDeclaringClass().getName()))
                .append('#').append(method.getName()).append('(');
        Class<?>[] parameters = method.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            key.append(i == 0 ? "" : ",").append(PackagePrefix.unrelocated(parameters[i].getTypeName()));
        }
        return key.append(')').toString();
    }

    /** The classes of {@link Unix}'s package in its jar (or class directory). */
    private static List<String> unixClassNames() {
        String packagePath = Unix.class.getPackageName().replace('.', '/') + '/';
        Path source;
        try {
            source = Path.of(Unix.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            throw new IllegalStateException("cannot locate the io.netty.channel.unix classes", e);
        }
        List<String> names = new java.util.ArrayList<>();
        try {
            if (Files.isDirectory(source)) {
                try (Stream<Path> files = Files.list(source.resolve(packagePath))) {
                    files.map(file -> file.getFileName().toString()).filter(name -> name.endsWith(".class"))
                            .forEach(name -> names.add(className(packagePath + name)));
                }
            } else {
                try (JarFile jar = new JarFile(source.toFile())) {
                    for (JarEntry entry : Collections.list(jar.entries())) {
                        String name = entry.getName();
                        if (name.startsWith(packagePath) && name.endsWith(".class")
                                && name.indexOf('/', packagePath.length()) < 0) {
                            names.add(className(name));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the io.netty.channel.unix classes in " + source, e);
        }
        return names;
    }

    private static String className(String path) {
        return path.substring(0, path.length() - ".class".length()).replace('/', '.');
    }

    private static String nettyVersion() {
        Version version = Version.identify(Unix.class.getClassLoader()).get("netty-transport-native-unix-common");
        return version == null ? "Netty (version unknown)" : "Netty " + version.artifactVersion();
    }
}
