package io.gonetpoll.it;

import java.util.List;

/** {@code strace(1)} for the tests that trace a child JVM's syscalls. */
final class Strace {
    private Strace() {
    }

    /**
     * Whether strace is installed and may trace here (ptrace can be forbidden); the tracing tests are skipped
     * otherwise ({@code scripts/test.sh} installs it).
     */
    static boolean works() {
        try (ChildProcess strace = ChildProcess.start("strace probe",
                List.of("strace", "-qq", "-e", "trace=none", "true"))) {
            return strace.awaitExit(30) == 0;
        } catch (Exception e) {
            return false;
        }
    }
}
