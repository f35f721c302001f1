package io.gonetpoll.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoNetpoll shaded as an application shades Netty (gRPC's grpc-netty-shaded relocates {@code io.netty} under
 * {@code io.grpc.netty.shaded}): the maven-shade-plugin in module shading-test relocates {@code io.netty} and
 * {@code io.gonetpoll} under one package prefix and renames the JNI libraries to carry it (README, Packaging). Each
 * jar's program ({@code shadingcheck.ShadedEchoMain}) runs in a child JVM with {@code -Xcheck:jni} and the leak
 * detector at PARANOID: an echo, a {@code sendfile} and a Unix peer's credentials, on the relocated classes only.
 */
class ShadedTransportTest {
    private static final String ARCH = "x86_64".equals(System.getProperty("os.arch"))
            || "amd64".equals(System.getProperty("os.arch")) ? "x86_64" : "aarch_64";

    /** gRPC's prefix, with Netty's epoll relocated beside GoNetpoll: epoll serves the unix natives. */
    @Test
    void grpcPrefixBesideARelocatedEpoll() throws Exception {
        String prefix = "io.grpc.netty.shaded.";
        Path jar = shadedJar("shaded-grpc-prefix.jar");
        assertLibrariesRenamed(jar, "libio_grpc_netty_shaded_gonetpoll_native_" + ARCH + ".so");
        assertTrue(entries(jar).contains("META-INF/native/libio_grpc_netty_shaded_netty_transport_native_epoll_"
                + ARCH + ".so"), "epoll's library renamed too");
        assertOnlyRelocatedClasses(jar, prefix);
        String output = runEcho(jar, prefix, 0);
        assertTrue(output.contains("epoll=true"), output);
    }

    /** A prefix with an underscore, which the file name spells "_1"; GoNetpoll registers the unix natives itself. */
    @Test
    void underscorePrefixWithoutAnotherNativeTransport() throws Exception {
        String prefix = "com.example.my_app.shaded.";
        Path jar = shadedJar("shaded-underscore-prefix.jar");
        assertLibrariesRenamed(jar, "libcom_example_my_1app_shaded_gonetpoll_native_" + ARCH + ".so");
        assertOnlyRelocatedClasses(jar, prefix);
        String output = runEcho(jar, prefix, 0);
        assertTrue(output.contains("epoll=absent"), output);
    }

    /** Classes relocated, library not renamed: unavailable, with a cause that names the file it must be. */
    @Test
    void unrenamedLibraryMakesGoNetpollUnavailableAndSaysWhy() throws Exception {
        String prefix = "com.example.app.shaded.";
        Path jar = shadedJar("shaded-unrenamed-library.jar");
        assertTrue(entries(jar).contains("META-INF/native/libgonetpoll_native_" + ARCH + ".so"), "not renamed");
        String output = runEcho(jar, prefix, 2);
        assertTrue(output.contains("unavailable: "), output);
        assertTrue(output.contains("META-INF/native/libcom_example_app_shaded_gonetpoll_native_" + ARCH + ".so"),
                output);
        assertFalse(output.contains("OK"), output);
    }

    private static String runEcho(Path jar, String prefix, int expectedExit) throws Exception {
        List<String> command = List.of(ChildProcess.javaExecutable(), "-Xcheck:jni",
                // Netty reads its system properties under relocated names too.
                "-D" + prefix + "io.netty.leakDetection.level=paranoid",
                "-cp", jar.toString(), "shadingcheck.ShadedEchoMain");
        try (ChildProcess child = ChildProcess.start("shaded echo " + jar.getFileName(), command)) {
            assertEquals(expectedExit, child.awaitExit(120), child::output);
            String output = child.output();
            assertTrue(output.contains("gonetpoll=" + prefix + "io.gonetpoll.channel.GoNetpoll"), output);
            assertTrue(output.contains("netty=" + prefix + "io.netty.channel.Channel"), output);
            if (expectedExit == 0) {
                assertTrue(output.contains("echoed=" + (1 << 20)), output);
                assertTrue(output.contains("sentfile=" + (256 << 10)), output);
                assertTrue(output.contains("peerpid=" + child.handle().pid()), output);
                assertTrue(output.contains("OK"), output);
            }
            return output;
        }
    }

    private static void assertLibrariesRenamed(Path jar, String library) throws Exception {
        Set<String> entries = entries(jar);
        assertTrue(entries.contains("META-INF/native/" + library), jar + ": " + nativeEntries(entries));
        assertFalse(entries.contains("META-INF/native/libgonetpoll_native_" + ARCH + ".so"),
                jar + ": " + nativeEntries(entries));
    }

    /** No class of io/netty/ or io/gonetpoll/ is left where it was, and GoNetpoll's own resources moved with it. */
    private static void assertOnlyRelocatedClasses(Path jar, String prefix) throws Exception {
        String path = prefix.replace('.', '/');
        Set<String> entries = entries(jar);
        for (String entry : entries) {
            assertFalse(entry.endsWith(".class") && (entry.startsWith("io/netty/") || entry.startsWith("io/gonetpoll/")),
                    jar + ": " + entry + " was not relocated");
        }
        assertTrue(entries.contains(path + "io/gonetpoll/channel/GoNetpoll.class"), jar.toString());
        assertTrue(entries.contains(path + "io/gonetpoll/channel/unix-common-natives.txt"), jar.toString());
    }

    private static Set<String> nativeEntries(Set<String> entries) {
        Set<String> natives = new TreeSet<>();
        entries.stream().filter(e -> e.startsWith("META-INF/native/")).forEach(natives::add);
        return natives;
    }

    private static Set<String> entries(Path jar) throws Exception {
        try (JarFile file = new JarFile(jar.toFile())) {
            Set<String> names = new TreeSet<>();
            for (JarEntry entry : Collections.list(file.entries())) {
                names.add(entry.getName());
            }
            return names;
        }
    }

    private static Path shadedJar(String name) {
        Path jar = Path.of(System.getProperty("gonetpoll.shading.jars"), name);
        assertTrue(Files.isRegularFile(jar), jar + " is missing: the package phase of module shading-test makes it "
                + "(mvn package -pl transport-gonetpoll,shading-test)");
        return jar;
    }
}
