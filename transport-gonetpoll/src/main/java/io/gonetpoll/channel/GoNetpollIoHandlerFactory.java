package io.gonetpoll.channel;

import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerFactory;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Makes the {@link GoNetpollIoHandler} of each loop of a group, and remembers them so that
 * {@link #counters()} can report what the group's loops did. Get one from
 * {@link GoNetpollIoHandler#newFactory()}.
 */
public final class GoNetpollIoHandlerFactory implements IoHandlerFactory {
    private final GoNetpollIoHandlerConfig config;
    private final List<GoNetpollIoHandler> handlers = new CopyOnWriteArrayList<>();
    private final SharedDeadlineWheel deadlineWheel;

    GoNetpollIoHandlerFactory(GoNetpollIoHandlerConfig config) {
        this.config = config;
        this.deadlineWheel = new SharedDeadlineWheel(
                TimeUnit.MILLISECONDS.toNanos(config.getDeadlineTickMillis()));
    }

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        GoNetpollIoHandler handler = new GoNetpollIoHandler(executor, config, deadlineWheel);
        handlers.add(handler);
        return handler;
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
    public GoNetpollLoopCounters counters() {
        long[] sums = new long[LoopCounters.COUNT];
        long wakeups = 0;
        for (GoNetpollIoHandler handler : handlers) {
            handler.counters().addTo(sums);
            wakeups += handler.wakeupsWritten();
        }
        return new GoNetpollLoopCounters(sums, wakeups);
    }

    @Override
    public String toString() {
        return "GoNetpollIoHandlerFactory{" + config + ", loops=" + handlers.size() + '}';
    }
}
