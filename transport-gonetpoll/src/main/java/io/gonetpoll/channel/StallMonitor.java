package io.gonetpoll.channel;

import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The stall detector of one factory (Go: {@code sysmon}'s {@code retake}, which looks at each P's
 * {@code schedtick} every few milliseconds and acts on one that has run the same goroutine for more than 10 ms).
 * One daemon thread, running while the factory has at least one loop and a threshold is configured, reads each
 * loop's {@link LoopHeartbeat} every {@link #checkIntervalNanos}. A loop whose current turn has lasted the
 * threshold is stalled: its thread's stack is taken, and the stall is reported once — to the loop's stall counter,
 * to a rate-limited log warning, to the listener, and when it ends, with its total length, to JFR
 * ({@link JfrEvents}) and the listener again.
 *
 * <p>A stall is therefore reported within the threshold plus one check interval of its start, and a turn shorter
 * than the threshold is never reported, however busy the loop. Go preempts the goroutine; a Java thread cannot be,
 * so this only reports.
 *
 * <p>Per loop ({@link Watch}), monitor side only:
 * <pre>
 * CLEAR      No stall reported and not ended. → REPORTED when a check finds the turn BUSY past the threshold,
 *            and the turn is still the same once the stack is taken (else the stack might be of a later turn:
 *            nothing is reported, and the next check looks again).
 * REPORTED   reported = the stall. Further checks that find the same turn do nothing. → CLEAR when a check finds
 *            another turn start (or WAITING): the end is reported with the length the loop published
 *            ({@link LoopHeartbeat#lastLongTurn}), which the acquire of the heartbeat makes visible; if the loop's
 *            own measure fell just under the threshold (the clocks were read on two threads), the monitor's
 *            upper bound (now - start) is reported instead.
 * </pre>
 * The thread is started by the first {@link #add} and stopped by the {@link #remove} of the last loop; a later
 * {@link #add} starts a new one. Two threads may overlap for one check while one stops: each watch is checked under
 * its own lock, so a stall is still reported once.
 */
final class StallMonitor {
    private static final InternalLogger logger = InternalLoggerFactory.getInstance(StallMonitor.class);

    /** At most one warning per this interval per factory; the stalls not logged are counted in the next one. */
    private static final long WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long MIN_CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_CHECK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String threadName;
    private final long thresholdNanos;
    private final long checkIntervalNanos;
    private final GoNetpollStallListener listener;
    private final List<Watch> watches = new CopyOnWriteArrayList<>();
    private final AtomicLong checks = new AtomicLong();
    /** The running monitor thread, or null. Guarded by this. */
    private Thread thread;
    /** Rate limit of the warnings; monitor threads only, guarded by {@link #warningLock}. */
    private final Object warningLock = new Object();
    private long nextWarningAt;
    private boolean warnedBefore;
    private int warningsSuppressed;

    StallMonitor(String threadName, long thresholdNanos, GoNetpollStallListener listener) {
        this.threadName = threadName;
        this.thresholdNanos = thresholdNanos;
        this.checkIntervalNanos = Math.max(MIN_CHECK_INTERVAL_NANOS, Math.min(MAX_CHECK_INTERVAL_NANOS,
                thresholdNanos / 2));
        this.listener = listener;
    }

    long thresholdNanos() {
        return thresholdNanos;
    }

    long checkIntervalNanos() {
        return checkIntervalNanos;
    }

    synchronized void add(GoNetpollIoHandler loop) {
        watches.add(new Watch(loop));
        if (thread == null) {
            Thread started = new Thread(this::run, threadName);
            started.setDaemon(true);
            started.start();
            thread = started;
        }
    }

    synchronized void remove(GoNetpollIoHandler loop) {
        watches.removeIf(watch -> watch.loop == loop);
        if (watches.isEmpty() && thread != null) {
            thread.interrupt();
            thread = null;
        }
    }

    /** The running monitor thread, or null: for tests. */
    synchronized Thread thread() {
        return thread;
    }

    private void run() {
        Thread self = Thread.currentThread();
        while (!self.isInterrupted()) {
            LockSupport.parkNanos(this, checkIntervalNanos);
            for (Watch watch : watches) {
                try {
                    watch.check();
                } catch (Throwable t) {
                    logger.warn("Stall check of {} failed", watch.loop, t);
                }
            }
            checks.incrementAndGet();
        }
    }

    /** Rounds of checks completed (every loop checked once): tests wait on it instead of sleeping. */
    long checks() {
        return checks.get();
    }

    /** The monitor's view of one loop. */
    private final class Watch {
        final GoNetpollIoHandler loop;
        /** The stall reported and not yet ended, or null (the state machine in the class comment). */
        private GoNetpollStall reported;
        private boolean reportedWasLogged;

        Watch(GoNetpollIoHandler loop) {
            this.loop = loop;
        }

        synchronized void check() {
            LoopHeartbeat heartbeat = loop.heartbeat();
            long start = heartbeat.turnStart();
            long now = System.nanoTime();
            if (reported != null) {
                if (start == reported.startNanoTime()) {
                    return;
                }
                LoopHeartbeat.LongTurn ended = heartbeat.lastLongTurn();
                long length = ended != null && ended.start == reported.startNanoTime()
                        ? ended.length : now - reported.startNanoTime();
                GoNetpollStall stall = reported;
                reported = null;
                stallEnded(stall, length, reportedWasLogged);
            }
            if (start == LoopHeartbeat.WAITING || now - start < thresholdNanos || loop.isSuspended()) {
                return;
            }
            Thread loopThread = heartbeat.thread();
            if (loopThread == null) {
                return;
            }
            StackTraceElement[] stack = loopThread.getStackTrace();
            if (heartbeat.turnStart() != start) {
                return;
            }
            reported = new GoNetpollStall(loopThread.getName(), start, now - start, thresholdNanos, stack);
            heartbeat.stallDetected();
            reportedWasLogged = stallDetected(reported);
        }
    }

    /** Returns whether the warning was logged (the rate limit allowing). */
    private boolean stallDetected(GoNetpollStall stall) {
        boolean logged = false;
        if (logger.isWarnEnabled()) {
            int suppressed = -1;
            synchronized (warningLock) {
                long now = System.nanoTime();
                if (!warnedBefore || now - nextWarningAt >= 0) {
                    warnedBefore = true;
                    nextWarningAt = now + WARNING_INTERVAL_NANOS;
                    suppressed = warningsSuppressed;
                    warningsSuppressed = 0;
                } else {
                    warningsSuppressed++;
                }
            }
            if (suppressed >= 0) {
                logged = true;
                logger.warn("GoNetpoll event loop {} has run one turn for {} ms (stall threshold {} ms): a handler or"
                        + " task is blocking it, and its other channels wait; its stack follows{}",
                        stall.loopName(), TimeUnit.NANOSECONDS.toMillis(stall.detectedAfterNanos()),
                        TimeUnit.NANOSECONDS.toMillis(thresholdNanos),
                        suppressed == 0 ? "" : " (" + suppressed + " earlier stalls were not logged)",
                        new StallTrace(stall));
            }
        }
        if (listener != null) {
            try {
                listener.stallDetected(stall);
            } catch (Throwable t) {
                logger.warn("The stall listener {} threw", listener, t);
            }
        }
        return logged;
    }

    private void stallEnded(GoNetpollStall stall, long lengthNanos, boolean detectionLogged) {
        if (detectionLogged) {
            logger.warn("GoNetpoll event loop {}: the stall ended after {} ms", stall.loopName(),
                    TimeUnit.NANOSECONDS.toMillis(lengthNanos));
        }
        JfrEvents.stallEnded(stall, lengthNanos);
        if (listener != null) {
            try {
                listener.stallEnded(stall, Duration.ofNanos(lengthNanos));
            } catch (Throwable t) {
                logger.warn("The stall listener {} threw", listener, t);
            }
        }
    }

    /** Carries a stalled loop's stack into a log record, where loggers print it as they print any trace. */
    static final class StallTrace extends Throwable {
        private static final long serialVersionUID = 1L;

        StallTrace(GoNetpollStall stall) {
            super("stack of " + stall.loopName() + " after " + stall.detectedAfter().toMillis() + " ms", null, false,
                    true);
            setStackTrace(stall.stackTrace());
        }
    }
}
