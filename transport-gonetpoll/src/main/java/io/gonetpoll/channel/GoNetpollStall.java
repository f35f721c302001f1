package io.gonetpoll.channel;

import java.time.Duration;

/**
 * A stall: a GoNetpoll event loop that stayed in one turn — running a handler or a task instead of waiting in
 * {@code epoll_wait} — longer than the threshold configured with
 * {@link GoNetpollIoHandlerConfig#setStallThresholdMillis(long)} (Go: what {@code sysmon} finds when a goroutine
 * holds its P for more than 10 ms). Every other channel of the loop waited meanwhile. Reported to a
 * {@link GoNetpollStallListener} once when detected, and once more when the turn ends.
 */
public final class GoNetpollStall {
    private final String loopName;
    private final long startNanoTime;
    private final long detectedAfterNanos;
    private final long thresholdNanos;
    private final StackTraceElement[] stackTrace;

    GoNetpollStall(String loopName, long startNanoTime, long detectedAfterNanos, long thresholdNanos,
                   StackTraceElement[] stackTrace) {
        this.loopName = loopName;
        this.startNanoTime = startNanoTime;
        this.detectedAfterNanos = detectedAfterNanos;
        this.thresholdNanos = thresholdNanos;
        this.stackTrace = stackTrace;
    }

    /** The name of the loop's thread. */
    public String loopName() {
        return loopName;
    }

    /** When the stalled turn began, on the {@link System#nanoTime()} clock. */
    public long startNanoTime() {
        return startNanoTime;
    }

    /** How long the turn had lasted when the stall was detected: at least the threshold. */
    public Duration detectedAfter() {
        return Duration.ofNanos(detectedAfterNanos);
    }

    /** The threshold it passed. */
    public Duration threshold() {
        return Duration.ofNanos(thresholdNanos);
    }

    /** The loop thread's stack when the stall was detected: what the loop was doing instead of its IO. */
    public StackTraceElement[] stackTrace() {
        return stackTrace.clone();
    }

    long detectedAfterNanos() {
        return detectedAfterNanos;
    }

    @Override
    public String toString() {
        return "GoNetpollStall{loop=" + loopName + ", detectedAfter=" + detectedAfter().toMillis() + " ms, threshold="
                + threshold().toMillis() + " ms, at=" + (stackTrace.length > 0 ? stackTrace[0] : "?") + '}';
    }
}
