package io.gonetpoll.channel;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timer;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.concurrent.TimeUnit;

/**
 * The one {@link HashedWheelTimer} of a loop group, for every channel's deadlines (DESIGN §4). Each loop of a
 * {@link GoNetpollIoHandlerFactory} holds it from creation to destruction; the wheel itself is created when the
 * first deadline is armed, so a group that never uses deadlines has no timer thread, and it is stopped when the
 * last loop is destroyed. Thread safe.
 */
final class SharedDeadlineWheel {
    /** Slots of the wheel: with the default 10 ms tick one revolution is about 5 s. */
    private static final int TICKS_PER_WHEEL = 512;

    private final long tickNanos;
    private HashedWheelTimer wheel;
    private int users;

    SharedDeadlineWheel(long tickNanos) {
        this.tickNanos = tickNanos;
    }

    synchronized void acquire() {
        users++;
    }

    /** The wheel, created on first use. Callers cache it: it stays the same until the last loop is gone. */
    synchronized Timer timer() {
        if (wheel == null) {
            if (users == 0) {
                throw new IllegalStateException("the loops of this deadline wheel are destroyed");
            }
            wheel = new HashedWheelTimer(new DefaultThreadFactory("gonetpoll-deadlines", true), tickNanos,
                    TimeUnit.NANOSECONDS, TICKS_PER_WHEEL);
        }
        return wheel;
    }

    synchronized void release() {
        if (--users == 0 && wheel != null) {
            wheel.stop();
            wheel = null;
        }
    }

    /** Timeouts waiting on the wheel (0 if it does not exist): for tests that check re-arms do not pile up. */
    synchronized long pendingTimeouts() {
        return wheel == null ? 0 : wheel.pendingTimeouts();
    }
}
