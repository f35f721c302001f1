package io.gonetpoll.channel;

import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

/** The code that names {@code jdk.jfr} types; reached only through {@link JfrEvents}, when JFR is there. */
final class JfrSupport {
    private JfrSupport() {
    }

    static void addStatisticsHookWhenRecording() {
        FlightRecorder.addListener(new FlightRecorderListener() {
            @Override
            public void recorderInitialized(FlightRecorder recorder) {
                FlightRecorder.addPeriodicEvent(LoopStatisticsEvent.class, JfrSupport::emitStatistics);
            }
        });
    }

    private static void emitStatistics() {
        for (GoNetpollIoHandler loop : JfrEvents.loops()) {
            LoopStatisticsEvent event = new LoopStatisticsEvent();
            if (!event.isEnabled()) {
                return;
            }
            event.fill(loop.loopName(), loop.snapshot(false));
            event.commit();
        }
    }

    static void commitStall(GoNetpollStall stall, long lengthNanos) {
        StallEvent event = new StallEvent();
        if (event.shouldCommit()) {
            event.loop = stall.loopName();
            event.stallDuration = lengthNanos;
            event.detectedAfter = stall.detectedAfterNanos();
            event.threshold = stall.threshold().toNanos();
            event.loopStack = format(stall.stackTrace());
            event.commit();
        }
    }

    private static String format(StackTraceElement[] stack) {
        StringBuilder b = new StringBuilder();
        for (StackTraceElement frame : stack) {
            b.append("at ").append(frame).append('\n');
        }
        return b.toString();
    }
}
