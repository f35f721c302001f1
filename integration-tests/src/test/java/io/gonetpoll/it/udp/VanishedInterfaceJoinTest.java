package io.gonetpoll.it.udp;

import io.gonetpoll.it.ChildProcess;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multicast join on an interface that does not exist (any more) fails its future — with the exception epoll
 * gives where epoll completes it at all (4.2.17 does not) — and the channel stays open and works. The interface is made and deleted in a network namespace of the child JVM's
 * own ({@link VanishedInterfaceJoinMain}), so the host's interfaces are never touched; that needs
 * {@code unshare -n} (root, or user namespaces), and the test is skipped, saying so, where the machine refuses it.
 */
class VanishedInterfaceJoinTest {
    private static final Pattern EPOLL = Pattern.compile("epoll failure=(\\S+)");
    private static final Pattern GONETPOLL = Pattern.compile("gonetpoll failure=(\\S+)");

    @Test
    void joinOnAnInterfaceThatIsGoneFailsAsOnEpoll() throws Exception {
        Assumptions.assumeTrue(canUnshareNetwork(), "unshare -n is refused here: no namespace to make an interface in");
        try (ChildProcess child = ChildProcess.start("vanished interface join", List.of(
                "unshare", "-n", ChildProcess.javaExecutable(), "-Dio.netty.leakDetection.level=paranoid",
                "-cp", System.getProperty("java.class.path"), VanishedInterfaceJoinMain.class.getName()))) {
            assertEquals(0, child.awaitExit(90), child::output);
            String output = child.output();
            Matcher epoll = EPOLL.matcher(output);
            Matcher gonetpoll = GONETPOLL.matcher(output);
            assertTrue(epoll.find() && gonetpoll.find(), output);
            if (epoll.group(1).startsWith("none")) {
                // Netty's epoll (4.2.17) never completes this future, as with the join of a unicast address in
                // DatagramBadInputTest; GoNetpoll fails it with the kernel's answer, an IOException as NIO's gives.
                assertTrue(IOException.class.isAssignableFrom(Class.forName(gonetpoll.group(1))), output);
                assertTrue(output.contains("No such device"), "ENODEV: " + output);
            } else {
                assertEquals(epoll.group(1), gonetpoll.group(1), "the join's failure: " + output);
            }
            assertTrue(output.contains("gonetpoll fds left open={}"), output);
        }
    }

    private static boolean canUnshareNetwork() throws Exception {
        try {
            Process process = new ProcessBuilder("unshare", "-n", "true").redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
