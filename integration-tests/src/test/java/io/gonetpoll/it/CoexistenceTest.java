package io.gonetpoll.it;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * GoNetpoll beside Netty's own native transports in one JVM, loaded in either order: all keep working (echo,
 * half-close, sendfile), and the unix natives stay Netty's own library's (the release of the classes), never
 * replaced by GoNetpoll's copy of the build's release. A child JVM per order, so each starts with nothing loaded.
 */
class CoexistenceTest {
    @ParameterizedTest
    @ValueSource(strings = {"gonetpoll-first", "netty-first"})
    void allTransportsWorkAndNettysNativesStay(String order) throws Exception {
        try (ChildProcess child = ChildProcess.start("coexistence " + order, List.of(ChildProcess.javaExecutable(),
                "-cp", System.getProperty("java.class.path"), CoexistenceMain.class.getName(), order))) {
            assertEquals(0, child.awaitExit(120), child::output);
            String output = child.output();
            assertTrue(output.contains("unixNativesOwner=io.netty.channel.epoll.Epoll"),
                    "Netty's epoll serves the unix natives: " + output);
            assertTrue(output.contains("ok gonetpoll") && output.contains("ok epoll"), output);
            if (output.contains("ioUring=true")) {
                assertTrue(output.contains("ok io_uring"), output);
            }
        }
    }
}
