package io.gonetpoll.channel;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When a deadline may fire: never before it, and at most the wheel's tick plus {@link #SLACK_NANOS} after it. The
 * tick is the precision the transport promises ({@link GoNetpollIoHandlerConfig}); the slack is what a loaded
 * 2-core CI host adds (the wheel's and the loop's threads waiting for a core, a collection), generous enough that
 * only a deadline that does not fire promptly at all fails the upper bound.
 */
final class Lateness {
    static final long SLACK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private Lateness() {
    }

    /**
     * Fails unless {@code firedAt} lies in [{@code earliest}, {@code latest} + tick + slack], where the deadline is
     * known to lie in [{@code earliest}, {@code latest}] (equal when the test set it itself).
     */
    static void assertOnTime(String what, long earliest, long latest, long firedAt, long tickMillis) {
        assertTrue(firedAt - earliest >= 0,
                what + " fired " + micros(earliest - firedAt) + " µs before its deadline");
        long late = firedAt - latest;
        long allowed = TimeUnit.MILLISECONDS.toNanos(tickMillis) + SLACK_NANOS;
        assertTrue(late <= allowed, what + " fired " + micros(late) + " µs after its deadline (allowed: tick "
                + tickMillis + " ms + " + TimeUnit.NANOSECONDS.toMillis(SLACK_NANOS) + " ms)");
    }

    private static long micros(long nanos) {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }
}
