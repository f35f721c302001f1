package io.gonetpoll.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GoNetpoll loop shuts down cleanly on JDK 24+, where Netty can free only direct buffers it allocated as
 * cleanable ({@code CleanerJava25} refuses an arbitrary {@code ByteBuffer}): the loop's event array must be one.
 * Runs {@link NettyVersionEchoMain} (an echo, then the group's shutdown) on the newest JDK 24+ installed.
 */
class LoopShutdownOnNewerJdkTest {
    @Test
    void aLoopShutsDownWithoutErrorsOnJdk24Plus() throws Exception {
        Optional<Path> java = Jdks.javaAtLeast(24);
        Assumptions.assumeTrue(java.isPresent(), "no JDK 24+ under /usr/lib/jvm");
        try (ChildProcess child = ChildProcess.start("echo and shutdown on JDK 24+", List.of(java.get().toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                NettyVersionEchoMain.class.getName()))) {
            assertEquals(0, child.awaitExit(60), child::output);
            String output = child.output();
            assertTrue(output.contains("echoed=" + (64 << 10)), output);
            assertFalse(output.contains("Exception"), "nothing thrown while the loop shut down: " + output);
        }
    }
}
