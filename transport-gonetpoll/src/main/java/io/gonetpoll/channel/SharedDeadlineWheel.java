package io.gonetpoll.channel;

import io.netty.util.HashedWheelTimer;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The one {@link HashedWheelTimer} of a loop group, for every channel's deadlines
 * ({@code docs/architecture.md#deadlines}). Each loop of a {@link GoNetpollIoHandlerFactory} holds it from creation
 * to destruction ({@link #acquire}/{@link #release}). Thread safe.
 *
 * <p>The wheel runs only while it has work, because a {@link HashedWheelTimer}'s thread wakes every tick even with
 * nothing due (its cost: {@code docs/benchmarks/analysis.md#g-10000-connections-with-a-read-timeout}). So the
 * wheel is created when a deadline is armed and none is running, and a running wheel checks every
 * {@link #DEFAULT_IDLE_CHECK_NANOS} whether it still holds a timeout; if not, it is stopped. Invariants, held by
 * this object's lock: a wheel enters {@link #wheel} only once its thread runs; a timeout is only ever added to
 * the current {@link #wheel}, and a wheel is taken out of {@link #wheel} only while it holds no pending timeout
 * (or by the release of the last loop), so stopping it cannot drop one. A wheel is stopped only once out of
 * {@link #wheel}, and never under the lock: stopping joins the wheel's thread, which may be waiting for the lock
 * in its idle check.
 */
final class SharedDeadlineWheel {
    /** Slots of the wheel: with the default 10 ms tick one revolution is about 5 s. */
    private static final int TICKS_PER_WHEEL = 512;
    /** How often a running wheel looks for work; it stops at the first look that finds none. */
    static final long DEFAULT_IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final long tickNanos;
    private final long idleCheckNanos;
    private final ThreadFactory threads;
    /** Tests only: runs on the wheel's thread at each idle check, before the check takes the lock. */
    private final Runnable beforeIdleCheck;
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
        this(tickNanos, idleCheckNanos, new DefaultThreadFactory("gonetpoll-deadlines", true), () -> { });
    }

    SharedDeadlineWheel(long tickNanos, long idleCheckNanos, ThreadFactory threads, Runnable beforeIdleCheck) {
        this.tickNanos = tickNanos;
        this.idleCheckNanos = idleCheckNanos;
        this.threads = threads;
        this.beforeIdleCheck = beforeIdleCheck;
    }

    synchronized void acquire() {
        users++;
    }

    /**
     * Schedules {@code task} on the running wheel, starting one if none runs. Starting costs a thread start
     * on the caller's thread, once per busy period; if it fails, so does this call, and the next one tries again.
     */
    synchronized Timeout newTimeout(TimerTask task, long delayNanos) {
        if (wheel == null) {
            if (users == 0) {
                throw new IllegalStateException("the loops of this deadline wheel are destroyed");
            }
            wheel = startWheel();
            starts++;
            scheduleIdleCheck(wheel);
        }
        return wheel.newTimeout(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Under the lock. A wheel whose thread failed to start (no native thread left) is never kept: every later
     * {@link HashedWheelTimer#newTimeout} on it would wait for ever for that thread. Its thread never ran, so
     * stopping it joins nothing: it only takes the wheel off Netty's count of live HashedWheelTimers.
     */
    private HashedWheelTimer startWheel() {
        HashedWheelTimer started = new HashedWheelTimer(threads, tickNanos, TimeUnit.NANOSECONDS, TICKS_PER_WHEEL);
        try {
            started.start();
        } catch (Throwable e) {
            started.stop();
            throw e;
        }
        return started;
    }

    /** Under the lock. The check is itself a timeout, so it counts as work only while it waits. */
    private void scheduleIdleCheck(HashedWheelTimer running) {
        running.newTimeout(timeout -> stopIfIdle(running), idleCheckNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * On the wheel's thread, from the idle check. By the time a timeout's task runs the wheel has removed it
     * from its pending count, so 0 means no deadline waits on it. A timeout cancelled but not yet purged
     * still counts: the wheel then lives one more check.
     */
    private void stopIfIdle(HashedWheelTimer running) {
        beforeIdleCheck.run();
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
        stop(running);
    }

    void release() {
        HashedWheelTimer stopping;
        synchronized (this) {
            if (--users != 0 || wheel == null) {
                return;
            }
            stopping = wheel;
            wheel = null;
        }
        stop(stopping);
    }

    /**
     * Stops a wheel already out of {@link #wheel}, outside the lock. On the wheel's own thread (always so from the
     * idle check), where {@link HashedWheelTimer#stop()} throws, the stop is handed to {@link GlobalEventExecutor}.
     */
    private void stop(HashedWheelTimer stopping) {
        assert !Thread.holdsLock(this);
        try {
            stopping.stop();
        } catch (IllegalStateException onItsOwnThread) {
            GlobalEventExecutor.INSTANCE.execute(stopping::stop);
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
