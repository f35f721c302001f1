package io.gonetpoll.it;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The examples jar, run with {@code java -jar}, enables native access for its class path in its manifest
 * ({@code Enable-Native-Access: ALL-UNNAMED}), so JDK 24+ prints no restricted-method warning when the transport
 * loads its JNI library. The same jar run with {@code -cp}, where the JDK ignores that attribute, must print the
 * warning: that shows the check can fail and that the attribute is what silences it.
 */
class ExecutableJarNativeAccessTest {
    private static final String RESTRICTED_WARNING = "WARNING: A restricted method";
    private static final int FIRST_RESTRICTING_JDK = 24;
    private static final long START_TIMEOUT_SECONDS = 60;

    @Test
    void manifestEnablesNativeAccessForTheClassPath() throws Exception {
        try (JarFile jar = new JarFile(ChildProcess.examplesJar().toFile())) {
            assertEquals("ALL-UNNAMED", jar.getManifest().getMainAttributes().getValue("Enable-Native-Access"));
        }
    }

    @Test
    void noRestrictedMethodWarningFromTheExecutableJar() throws Exception {
        Optional<Path> java = Jdks.javaAtLeast(FIRST_RESTRICTING_JDK);
        assumeTrue(java.isPresent(), "no JDK " + FIRST_RESTRICTING_JDK + "+ here (the test's own or under /usr/lib/jvm):"
                + " older JDKs print no such warning");
        String jar = ChildProcess.examplesJar().toString();

        String withJar = httpServerOutput(java.get(), List.of("-jar", jar));
        assertFalse(withJar.contains(RESTRICTED_WARNING), "java -jar: " + withJar);

        String withClassPath = httpServerOutput(java.get(), List.of("-cp", jar, "io.gonetpoll.examples.Main"));
        assertTrue(withClassPath.contains(RESTRICTED_WARNING), "java -cp, which ignores the manifest: " + withClassPath);
    }

    /** Starts the http example on GoNetpoll, waits until it listens (the library is loaded by then), stops it. */
    private static String httpServerOutput(Path java, List<String> launch) throws Exception {
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Dio.netty.leakDetection.level=paranoid"));
        command.addAll(launch);
        command.addAll(List.of("http", "--transport", "gonetpoll", "--host", "127.0.0.1", "--port", "0", "--threads", "1"));
        ChildProcess server = ChildProcess.start("examples http on " + java, command);
        try {
            assertEquals("gonetpoll", server.awaitLine(ChildProcess.LISTENING, START_TIMEOUT_SECONDS).group(3), server::output);
        } finally {
            server.close();
        }
        return server.output();
    }
}
