package io.gonetpoll.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The transport jar is a named module, {@code io.gonetpoll.transport} (its descriptor in META-INF/versions/17 of a
 * multi-release jar), that a user's module can require. A user module (src/test/resources/module-path-app: it
 * requires io.gonetpoll.transport and io.netty.buffer) is compiled against the module path here, then run in a child
 * JVM whose only code is on the module path: the transport jar, Netty's module jars, and the user module. It echoes
 * over GoNetpoll on 127.0.0.1, a sendfile'd file first, and checks every byte.
 *
 * <p>Native access, where the JDK has the restriction (24 and later): with the flag the README gives for the module
 * path, the child runs even with {@code --illegal-native-access=deny} (the JDK's announced future default) and
 * prints no restricted-method warning; without it, deny mode refuses to load the library, naming the module — so
 * the check can fail, and the module the README names is the one that needs it.
 */
class ModulePathEchoTest {
    /** README, Requirements: the module that calls System.load for the transport is Netty's io.netty.common. */
    private static final String NATIVE_ACCESS = "--enable-native-access=io.netty.common";
    private static final String MAIN = "io.gonetpoll.modulepath/io.gonetpoll.modulepath.ModulePathEcho";
    private static final Pattern NETTY_MODULE_JAR =
            Pattern.compile("netty-(buffer|common|resolver|transport|transport-native-unix-common)-\\d[\\w.]*\\.jar");
    private static final String TRANSPORT_MODULE_LINE =
            "transport module io.gonetpoll.transport automatic=false caller module io.gonetpoll.modulepath";
    private static final String ECHO_OK = "module-path echo ok bytes=";
    private static final String RESTRICTED_WARNING = "WARNING: A restricted method";
    /** The JDK release that made loading a library a restricted operation for JNI (JEP 472). */
    private static final int FIRST_RESTRICTING_JDK = 24;
    private static final long CHILD_TIMEOUT_SECONDS = 120;

    @TempDir
    static Path compiled;
    private static String modulePath;

    @BeforeAll
    static void compileTheUserModule() throws Exception {
        List<String> elements = new ArrayList<>();
        elements.add(transportJar().toString());
        elements.addAll(nettyModuleJars());
        String dependencies = String.join(File.pathSeparator, elements);

        Path sources = Path.of(ModulePathEchoTest.class.getResource("/module-path-app/module-info.java").toURI()).getParent();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager fileManager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, fileManager, diagnostics,
                    List.of("--release", "17", "-Xlint:all", "--module-path", dependencies, "-d", compiled.toString()),
                    null, fileManager.getJavaFileObjectsFromPaths(files)).call();
            String messages = diagnostics.getDiagnostics().stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
            assertTrue(ok, "the user module does not compile against the module path " + dependencies + "\n" + messages);
            assertEquals("", messages, "javac warnings");
        }
        modulePath = compiled + File.pathSeparator + dependencies;
    }

    @Test
    void echoRunsOnTheModulePath() throws Exception {
        String output = runEcho(Path.of(ChildProcess.javaExecutable()), List.of(NATIVE_ACCESS));
        assertTrue(output.contains(TRANSPORT_MODULE_LINE), "GoNetpoll's classes are in the named module: " + output);
        assertTrue(output.contains(ECHO_OK), output);
    }

    @Test
    void theReadmesNativeAccessFlagIsTheOneTheJdkWants() throws Exception {
        Optional<Path> java = Jdks.javaAtLeast(FIRST_RESTRICTING_JDK);
        assumeTrue(java.isPresent(), "no JDK " + FIRST_RESTRICTING_JDK + "+ here (the test's own or under /usr/lib/jvm):"
                + " older JDKs do not restrict native access");

        String warned = runEcho(java.get(), List.of(NATIVE_ACCESS));
        assertTrue(warned.contains(ECHO_OK), warned);
        assertFalse(warned.contains(RESTRICTED_WARNING), "no restricted-method warning with " + NATIVE_ACCESS + ": " + warned);

        String denied = runEcho(java.get(), List.of(NATIVE_ACCESS, "--illegal-native-access=deny"));
        assertTrue(denied.contains(ECHO_OK), "deny mode with " + NATIVE_ACCESS + ": " + denied);

        try (ChildProcess child = start(java.get(), List.of("--illegal-native-access=deny"))) {
            assertNotEquals(0, child.awaitExit(CHILD_TIMEOUT_SECONDS), child::output);
            assertTrue(child.output().contains("Illegal native access from module io.netty.common"),
                    "without the flag, deny mode refuses io.netty.common: " + child.output());
        }
    }

    /** Runs the echo with {@code java} and {@code flags}; fails unless it exits 0. Returns its output. */
    private static String runEcho(Path java, List<String> flags) throws Exception {
        try (ChildProcess child = start(java, flags)) {
            assertEquals(0, child.awaitExit(CHILD_TIMEOUT_SECONDS), child::output);
            return child.output();
        }
    }

    private static ChildProcess start(Path java, List<String> flags) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(flags);
        command.add("-Dio.netty.leakDetection.level=paranoid");
        command.addAll(List.of("--module-path", modulePath, "-m", MAIN));
        return ChildProcess.start("module-path echo on " + java, command);
    }

    /**
     * The transport jar: the reactor puts it on the class path when this build packaged it; in a build that stops
     * before package (mvn test) the class path has target/classes instead, and the jar of the last package is used.
     */
    private static Path transportJar() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("transport-gonetpoll-") && name.endsWith(".jar") && !name.endsWith("-tests.jar")) {
                return Path.of(entry);
            }
        }
        String property = System.getProperty("gonetpoll.transport.jar");
        if (property == null) {
            fail("system property gonetpoll.transport.jar is not set: run the tests through Maven (the pom sets it)");
        }
        Path jar = Path.of(property).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jar), () -> jar + " does not exist: run the integration tests with package "
                + "(mvn -B package -pl integration-tests -am -Dtest=ModulePathEchoTest -Dsurefire.failIfNoSpecifiedTests=false)");
        return jar;
    }

    /** Netty's module jars the transport needs, from the test class path (the classifier jars left out). */
    private static List<String> nettyModuleJars() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (NETTY_MODULE_JAR.matcher(Path.of(entry).getFileName().toString()).matches()) {
                jars.add(entry);
            }
        }
        assertEquals(5, jars.size(), "netty-buffer, -common, -resolver, -transport, -transport-native-unix-common: " + jars);
        return jars;
    }
}
