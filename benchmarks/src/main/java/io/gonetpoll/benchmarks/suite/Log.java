package io.gonetpoll.benchmarks.suite;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** Progress lines on stdout, with the time, so a long run can be followed (and its pace checked). */
final class Log {
    private Log() {
    }

    static void info(String message) {
        System.out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
        System.out.flush();
    }
}
