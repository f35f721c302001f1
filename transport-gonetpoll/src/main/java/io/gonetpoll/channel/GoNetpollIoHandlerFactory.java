package io.gonetpoll.channel;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes the {@link GoNetpollIoHandler} of each loop of a group (one factory may serve several groups), and keeps
 * what they counted so that {@link #counters()} can report what its loops did, and {@link #loopCounters()} what
 * each live loop did. With a stall threshold configured it runs the loops' stall detector ({@link StallMonitor}),
 * from its first loop's creation to its last loop's destruction. Get one from {@link GoNetpollIoHandler#newFactory()}.
 */
public final class GoNetpollIoHandlerFactory implements IoHandlerFactory {
    private static final AtomicInteger FACTORIES = new AtomicInteger();
    private static final AtomicLong LOOP_IDS = new AtomicLong();

    private final GoNetpollIoHandlerConfig config;
    private final SharedDeadlineWheel deadlineWheel;
    /** Null when the stall detector is off. */
    private final StallMonitor stallMonitor;
    /** Loops alive now. Guarded by this. */
    private final List<GoNetpollIoHandler> live = new ArrayList<>();
    /** What destroyed loops counted, frozen at their destruction. Guarded by this. */
    private final long[] retired = new long[LoopCounters.COUNT];
    private long retiredWakeupsWritten;
    private long retiredWakeupsSaved;
    private long retiredStalls;
    /** Loops made so far. Guarded by this. */
    private int made;

    GoNetpollIoHandlerFactory(GoNetpollIoHandlerConfig config) {
        this.config = config;
        this.deadlineWheel = new SharedDeadlineWheel(
                TimeUnit.MILLISECONDS.toNanos(config.getDeadlineTickMillis()));
        long threshold = config.getStallThresholdMillis();
        this.stallMonitor = threshold == 0 ? null : new StallMonitor(
                "gonetpoll-stall-monitor-" + FACTORIES.incrementAndGet(), TimeUnit.MILLISECONDS.toNanos(threshold),
                config.getStallListener());
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        GoNetpollIoHandler handler = new GoNetpollIoHandler(executor, config, this);
        synchronized (this) {
            live.add(handler);
            made++;
            if (stallMonitor != null) {
                stallMonitor.add(handler);
            }
        }
        return handler;
    }

    /** The group's one deadline wheel, shared by all its loops. */
    SharedDeadlineWheel deadlineWheel() {
        return deadlineWheel;
    }

    /** Turns at least this long are published for the stall detector ({@link LoopHeartbeat}). */
    long longTurnNanos() {
        return stallMonitor == null ? Long.MAX_VALUE : stallMonitor.thresholdNanos();
    }

    long nextLoopId() {
        return LOOP_IDS.incrementAndGet();
    }

    /** The stall detector, or null when off: for tests. */
    StallMonitor stallMonitor() {
        return stallMonitor;
    }

    /** A loop was destroyed: its counts move to the frozen totals, and the loop itself is forgotten. */
    synchronized void retire(GoNetpollIoHandler handler) {
        if (live.remove(handler)) {
            handler.counters().addTo(retired);
            retiredWakeupsWritten += handler.wakeupsWritten();
            retiredWakeupsSaved += handler.wakeupsSaved();
            retiredStalls += handler.heartbeat().stalls();
            if (stallMonitor != null) {
                stallMonitor.remove(handler);
            }
        }
    }

    /**
     * {@code true}: a handler keeps no thread-bound state, so its loop may move to another thread (which also
     * lets Netty suspend idle loops).
     */
    @Override
    public boolean isChangingThreadSupported() {
        return true;
    }

    /**
     * The counters of every loop this factory made, summed; loops that have shut down keep their totals. Gauges
     * are those of the live loops, and the longest turn is the longest of their current windows: this call does not
     * start new windows ({@link #loopCounters()} does).
     */
    public synchronized GoNetpollLoopCounters counters() {
        long[] sums = retired.clone();
        long wakeups = retiredWakeupsWritten;
        long saved = retiredWakeupsSaved;
        long stalls = retiredStalls;
        long longestTurn = 0;
        for (GoNetpollIoHandler handler : live) {
            handler.counters().addTo(sums);
            wakeups += handler.wakeupsWritten();
            saved += handler.wakeupsSaved();
            stalls += handler.heartbeat().stalls();
            longestTurn = Math.max(longestTurn, handler.heartbeat().longestTurn(false));
        }
        return new GoNetpollLoopCounters(null, live.size(), sums, wakeups, saved, stalls, longestTurn);
    }

    /**
     * A snapshot of each loop alive now, in the order they were made; {@link GoNetpollLoopCounters#loopName()} names
     * its thread. Each starts a new longest-turn window for its loop.
     */
    public List<GoNetpollLoopCounters> loopCounters() {
        List<GoNetpollIoHandler> loops;
        synchronized (this) {
            loops = new ArrayList<>(live);
        }
        List<GoNetpollLoopCounters> snapshots = new ArrayList<>(loops.size());
        for (GoNetpollIoHandler loop : loops) {
            snapshots.add(loop.snapshot(true));
        }
        return snapshots;
    }

    @Override
    public synchronized String toString() {
        return "GoNetpollIoHandlerFactory{" + config + ", loops=" + live.size() + " of " + made + " made}";
    }
}
