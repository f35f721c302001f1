package io.gonetpoll.benchmarks.suite;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on stdout, with the time, so a long run can be followed (and its pace checked). */
final class Log {
    /** Always hh:mm:ss: LocalTime's own toString drops ":00" seconds, which breaks the column. */
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private Log() {
    }

    static void info(String message) {
        System.out.println(TIME.format(LocalTime.now()) + " " + message);
        System.out.flush();
    }
}
