package io.gonetpoll.it;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * GoNetpoll on the jars of the newest Netty 4.2 release (4.2.20, copied by the pom), in place of the build's
 * 4.2.17: that release's unix-common classes declare a native the linked 4.2.17 archive lacks
 * ({@code ErrorsStaticallyReferencedJniMethods.errnoENAMETOOLONG}), which GoNetpoll's library fills in. Child
 * JVMs whose class path holds GoNetpoll's classes and that Netty only.
 */
class NettyVersionsTest {
    @Test
    void echoOnTheNewestNetty() throws Exception {
        List<String> classPath = new ArrayList<>(newestNetty());
        classPath.add(property("gonetpoll.transport.classes"));
        classPath.add(Path.of(NettyVersionEchoMain.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString());
        try (ChildProcess child = ChildProcess.start("echo on the newest Netty", List.of(ChildProcess.javaExecutable(),
                "-cp", String.join(File.pathSeparator, classPath), NettyVersionEchoMain.class.getName()))) {
            assertEquals(0, child.awaitExit(60), child::output);
            String output = child.output();
            assertTrue(output.contains("unix-common=" + newestVersion()), output);
            assertTrue(output.contains("available=true"), output);
            assertTrue(output.contains("echoed=" + (64 << 10)), output);
            assertFalse(output.contains("UnsatisfiedLinkError") || output.contains("NoClassDefFoundError"), output);
        }
    }

    /** The http example, built against 4.2.17, served by GoNetpoll on 4.2.20's jars; a real HTTP request. */
    @Test
    void httpExampleOnTheNewestNetty() throws Exception {
        List<String> classPath = new ArrayList<>(newestNetty());
        classPath.add(property("gonetpoll.transport.classes"));
        classPath.add(property("gonetpoll.examples.classes"));
        try (ChildProcess server = ChildProcess.start("http example on the newest Netty", List.of(
                ChildProcess.javaExecutable(), "-cp", String.join(File.pathSeparator, classPath),
                "io.gonetpoll.examples.Main", "http", "--transport", "gonetpoll", "--host", "127.0.0.1",
                "--port", "0", "--threads", "1"))) {
            Matcher listening = server.awaitLine(ChildProcess.LISTENING, 60);
            int port = Integer.parseInt(listening.group(2));
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), server::output);
            assertEquals("Hello, World!", response.body());
            assertFalse(server.output().contains("Exception"), server::output);
        }
    }

    private static List<String> newestNetty() throws IOException {
        Path dir = Path.of(property("gonetpoll.newest.netty"));
        try (Stream<Path> jars = Files.list(dir)) {
            List<String> list = jars.filter(jar -> jar.toString().endsWith(".jar")).map(Path::toString).sorted()
                    .collect(Collectors.toList());
            assertTrue(list.size() >= 5, "the newest Netty's jars in " + dir + ": " + list);
            return list;
        }
    }

    private static String newestVersion() {
        return Path.of(property("gonetpoll.newest.netty")).getFileName().toString().substring("netty-".length());
    }

    private static String property(String name) {
        String value = System.getProperty(name);
        if (value == null) {
            fail("system property " + name + " is not set: run the tests through Maven (the pom sets it)");
        }
        return value;
    }
}
