package io.gonetpoll.channel;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the {@link GoNetpollIoHandler} of each loop of a group, and keeps what they counted so that
 * {@link #counters()} can report what the group's loops did. Get one from
 * {@link GoNetpollIoHandler#newFactory()}.
 */
public final class GoNetpollIoHandlerFactory implements IoHandlerFactory {
    private final GoNetpollIoHandlerConfig config;
    private final SharedDeadlineWheel deadlineWheel;
    /** Loops alive now. Guarded by this. */
    private final List<GoNetpollIoHandler> live = new ArrayList<>();
    /** What destroyed loops counted, frozen at their destruction. Guarded by this. */
    private final long[] retired = new long[LoopCounters.COUNT];
    private long retiredWakeupsWritten;
    /** Loops made so far. Guarded by this. */
    private int made;

    GoNetpollIoHandlerFactory(GoNetpollIoHandlerConfig config) {
        this.config = config;
        this.deadlineWheel = new SharedDeadlineWheel(
                TimeUnit.MILLISECONDS.toNanos(config.getDeadlineTickMillis()));
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        GoNetpollIoHandler handler = new GoNetpollIoHandler(executor, config, this);
        synchronized (this) {
            live.add(handler);
            made++;
        }
        return handler;
    }

    /** The group's one deadline wheel, shared by all its loops. */
    SharedDeadlineWheel deadlineWheel() {
        return deadlineWheel;
    }

    /** A loop was destroyed: its counts move to the frozen totals, and the loop itself is forgotten. */
    synchronized void retire(GoNetpollIoHandler handler) {
        if (live.remove(handler)) {
            handler.counters().addTo(retired);
            retiredWakeupsWritten += handler.wakeupsWritten();
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

    /** The counters of every loop this factory made, summed; loops that have shut down keep their totals. */
    public synchronized GoNetpollLoopCounters counters() {
        long[] sums = retired.clone();
        long wakeups = retiredWakeupsWritten;
        for (GoNetpollIoHandler handler : live) {
            handler.counters().addTo(sums);
            wakeups += handler.wakeupsWritten();
        }
        return new GoNetpollLoopCounters(sums, wakeups);
    }

    @Override
    public synchronized String toString() {
        return "GoNetpollIoHandlerFactory{" + config + ", loops=" + live.size() + " of " + made + " made}";
    }
}
