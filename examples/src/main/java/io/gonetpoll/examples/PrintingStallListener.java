package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpollStall;
import io.gonetpoll.channel.GoNetpollStallListener;

import java.time.Duration;

/**
 * Prints the stall detector's reports on standard output, each report in one write so that two never mix:
 * <pre>
 * stall detected: loop=gonetpoll-worker-3-1 after-ms=104 threshold-ms=100
 * 	at java.base/java.lang.Thread.sleep(Native Method)
 * 	...
 * stall ended: loop=gonetpoll-worker-3-1 length-ms=500
 * </pre>
 * (The transport also logs a rate-limited warning with the stack; this is the example's own, complete record.)
 */
final class PrintingStallListener implements GoNetpollStallListener {
    @Override
    public void stallDetected(GoNetpollStall stall) {
        StringBuilder b = new StringBuilder("stall detected: loop=").append(stall.loopName())
                .append(" after-ms=").append(stall.detectedAfter().toMillis())
                .append(" threshold-ms=").append(stall.threshold().toMillis());
        for (StackTraceElement frame : stall.stackTrace()) {
            b.append("\n\tat ").append(frame);
        }
        System.out.println(b);
    }

    @Override
    public void stallEnded(GoNetpollStall stall, Duration length) {
        System.out.println("stall ended: loop=" + stall.loopName() + " length-ms=" + length.toMillis());
    }
}
