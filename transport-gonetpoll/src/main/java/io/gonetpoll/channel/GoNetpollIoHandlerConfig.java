package io.gonetpoll.channel;

/**
 * Settings of a {@link GoNetpollIoHandler}, copied when a factory is made (later changes to this object do not
 * affect loops already configured with it).
 *
 * <table border="1">
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@link #setMaxEventsPerWait(int) maxEventsPerWait}</td><td>512</td>
 *       <td>size of the {@code epoll_event} array one wait can fill (Go uses 128). More ready sockets than
 *       this are picked up by the next wait; nothing is lost with edge triggering because the kernel keeps
 *       unreported edges on its ready list.</td></tr>
 *   <tr><td>{@link #setDeadlineTickMillis(long) deadlineTickMillis}</td><td>10</td>
 *       <td>tick of the group's deadline wheel (one {@link io.netty.util.HashedWheelTimer} per group): deadlines
 *       and {@code READ_TIMEOUT_MILLIS}/{@code WRITE_TIMEOUT_MILLIS} fire up to one tick late. The wheel's
 *       thread wakes every tick while any deadline is pending (it stops when none is), so a shorter tick
 *       costs CPU in proportion (measured in docs/benchmarks/analysis.md).</td></tr>
 * </table>
 */
public final class GoNetpollIoHandlerConfig {
    static final int DEFAULT_MAX_EVENTS_PER_WAIT = 512;
    static final int MAX_MAX_EVENTS_PER_WAIT = 1 << 16;

    static final long DEFAULT_DEADLINE_TICK_MILLIS = 10;

    private int maxEventsPerWait = DEFAULT_MAX_EVENTS_PER_WAIT;
    private long deadlineTickMillis = DEFAULT_DEADLINE_TICK_MILLIS;

    public int getMaxEventsPerWait() {
        return maxEventsPerWait;
    }

    /** Sets the {@code epoll_event} array size, 1 to 65536. */
    public GoNetpollIoHandlerConfig setMaxEventsPerWait(int maxEventsPerWait) {
        if (maxEventsPerWait < 1 || maxEventsPerWait > MAX_MAX_EVENTS_PER_WAIT) {
            throw new IllegalArgumentException("maxEventsPerWait: " + maxEventsPerWait
                    + " (expected: 1-" + MAX_MAX_EVENTS_PER_WAIT + ")");
        }
        this.maxEventsPerWait = maxEventsPerWait;
        return this;
    }

    public long getDeadlineTickMillis() {
        return deadlineTickMillis;
    }

    /** Sets the tick of the deadline wheel, 1 to 1000 ms. */
    public GoNetpollIoHandlerConfig setDeadlineTickMillis(long deadlineTickMillis) {
        if (deadlineTickMillis < 1 || deadlineTickMillis > 1000) {
            throw new IllegalArgumentException("deadlineTickMillis: " + deadlineTickMillis + " (expected: 1-1000)");
        }
        this.deadlineTickMillis = deadlineTickMillis;
        return this;
    }

    GoNetpollIoHandlerConfig copy() {
        return new GoNetpollIoHandlerConfig().setMaxEventsPerWait(maxEventsPerWait)
                .setDeadlineTickMillis(deadlineTickMillis);
    }

    @Override
    public String toString() {
        return "GoNetpollIoHandlerConfig{maxEventsPerWait=" + maxEventsPerWait + ", deadlineTickMillis="
                + deadlineTickMillis + '}';
    }
}
