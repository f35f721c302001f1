package io.gonetpoll.channel;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.TimeUnit;

/**
 * The one {@link HashedWheelTimer} of a loop group, for every channel's deadlines (DESIGN §4). Each loop of a
 * {@link GoNetpollIoHandlerFactory} holds it from creation to destruction ({@link #acquire}/{@link #release}).
 * Thread safe.
 *
 * <p>The wheel runs only while it has work. A {@link HashedWheelTimer}'s thread wakes every tick whether or
 * not a timeout is due: at the default 10 ms tick that measured about 6 ms of CPU per second on a 2-vCPU VM,
 * with no connection left (Go's timers do not tick, and Netty's epoll loop sleeps until its next scheduled
 * task). So the wheel is created when a deadline is armed and none is running, and a running wheel checks
 * every {@link #DEFAULT_IDLE_CHECK_NANOS} whether it still holds a timeout; if not, it is stopped. Invariant,
 * held by this object's lock: a timeout is only ever added to the current {@link #wheel}, and a wheel is
 * taken out of {@link #wheel} only while it holds no pending timeout, so stopping it cannot drop one.
 */
final class SharedDeadlineWheel {
    /** Slots of the wheel: with the default 10 ms tick one revolution is about 5 s. */
    private static final int TICKS_PER_WHEEL = 512;
    /** How often a running wheel looks for work; it stops at the first look that finds none. */
    static final long DEFAULT_IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final long tickNanos;
    private final long idleCheckNanos;
    /** The running wheel, or null when none runs. Guarded by this. */
    private HashedWheelTimer wheel;
    /** Loops holding this object. Guarded by this. */
    private int users;
    /** Wheels started so far: for tests and the idle-CPU check. Guarded by this. */
    private int starts;

    SharedDeadlineWheel(long tickNanos) {
        this(tickNanos, DEFAULT_IDLE_CHECK_NANOS);
    }

    SharedDeadlineWheel(long tickNanos, long idleCheckNanos) {
        this.tickNanos = tickNanos;
        this.idleCheckNanos = idleCheckNanos;
    }

    synchronized void acquire() {
        users++;
    }

    /**
     * Schedules {@code task} on the running wheel, starting one if none runs. Starting costs a thread start
     * on the caller's thread, once per busy period.
     */
    synchronized Timeout newTimeout(TimerTask task, long delayNanos) {
        if (wheel == null) {
            if (users == 0) {
                throw new IllegalStateException("the loops of this deadline wheel are destroyed");
            }
            wheel = new HashedWheelTimer(new DefaultThreadFactory("gonetpoll-deadlines", true), tickNanos,
                    TimeUnit.NANOSECONDS, TICKS_PER_WHEEL);
            starts++;
            scheduleIdleCheck(wheel);
        }
        return wheel.newTimeout(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Under the lock. The check is itself a timeout, so it counts as work only while it waits. */
    private void scheduleIdleCheck(HashedWheelTimer running) {
        running.newTimeout(timeout -> stopIfIdle(running), idleCheckNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * On the wheel's thread, from the idle check. By the time a timeout's task runs the wheel has removed it
     * from its pending count, so 0 means no deadline waits on it. A timeout cancelled but not yet purged
     * still counts: the wheel then lives one more check. The wheel cannot stop itself from its own thread,
     * hence the hand-over; it is out of {@link #wheel} before that, so nothing is added to it meanwhile.
     */
    private void stopIfIdle(HashedWheelTimer running) {
        synchronized (this) {
            if (wheel != running) {
                return;
            }
            if (running.pendingTimeouts() != 0) {
                scheduleIdleCheck(running);
                return;
            }
            wheel = null;
        }
        GlobalEventExecutor.INSTANCE.execute(running::stop);
    }

    synchronized void release() {
        if (--users == 0 && wheel != null) {
            wheel.stop();
            wheel = null;
        }
    }

    /**
     * Deadline timeouts waiting on the wheel (0 if none runs); the idle check is not counted (while the check
     * itself runs, one fewer).
     */
    synchronized long pendingTimeouts() {
        return wheel == null ? 0 : Math.max(0, wheel.pendingTimeouts() - 1);
    }

    /** Whether a wheel (and so its thread) is running. */
    synchronized boolean isRunning() {
        return wheel != null;
    }

    /** Wheels started since creation. */
    synchronized int starts() {
        return starts;
    }
}
