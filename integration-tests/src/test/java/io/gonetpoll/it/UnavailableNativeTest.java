package io.gonetpoll.it;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where GoNetpoll cannot run, creating a loop fails at once with {@code GoNetpoll.unavailabilityCause()} as the
 * cause, and that cause says what is wrong. Two child JVMs: one whose JNI library cannot be extracted (Netty's
 * native work directory cannot be written), one that reports a non-Linux OS.
 */
class UnavailableNativeTest {
    @Test
    void noLoadableLibrary() throws Exception {
        // Netty extracts the library to its work directory (creating it if needed); under /proc it cannot.
        String output = runChild("-Dio.netty.native.workdir=/proc/self/gonetpoll-cannot-write-here");
        assertTrue(output.contains("available=false"), output);
        assertTrue(output.contains("Custom native workdir mkdirs failed"), "the cause says what failed: " + output);
        assertTrue(output.contains("causeIsUnavailabilityCause=true"), output);
    }

    @Test
    void notLinux() throws Exception {
        String output = runChild("-Dos.name=FreeBSD");
        assertTrue(output.contains("available=false"), output);
        assertTrue(output.contains("GoNetpoll runs on Linux only (this is FreeBSD)"), output);
        assertTrue(output.contains("causeIsUnavailabilityCause=true"), output);
    }

    private static String runChild(String property) throws Exception {
        try (ChildProcess child = ChildProcess.start("unavailable native", List.of(ChildProcess.javaExecutable(),
                property, "-cp", System.getProperty("java.class.path"), UnavailableNativeMain.class.getName()))) {
            int exit = child.awaitExit(60);
            assertEquals(0, exit, child::output);
            return child.output();
        }
    }
}
