package io.gonetpoll.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Netty leak report in any child JVM fails the test that closes the child ({@link ChildProcess#close()}). */
class ChildProcessLeakTest {
    @Test
    void closingAChildThatReportedALeakFails() throws Exception {
        ChildProcess child = ChildProcess.start("leaking child", List.of(ChildProcess.javaExecutable(),
                "-Dio.netty.leakDetection.level=paranoid", "-cp", System.getProperty("java.class.path"),
                LeakingChildMain.class.getName()));
        int exit = child.awaitExit(60);
        AssertionError failure = assertThrows(AssertionError.class, child::close, child::output);
        assertEquals(0, exit, child::output);
        String message = failure.getMessage();
        assertTrue(message.startsWith("leaking child reported a leak"), message);
        assertTrue(message.contains(LeakingChildMain.class.getName() + ".leak("), "the record names the leak: "
                + message);
    }
}
