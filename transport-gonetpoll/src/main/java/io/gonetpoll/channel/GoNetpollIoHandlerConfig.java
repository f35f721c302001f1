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
 * </table>
 */
public final class GoNetpollIoHandlerConfig {
    static final int DEFAULT_MAX_EVENTS_PER_WAIT = 512;
    static final int MAX_MAX_EVENTS_PER_WAIT = 1 << 16;

    private int maxEventsPerWait = DEFAULT_MAX_EVENTS_PER_WAIT;

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

    GoNetpollIoHandlerConfig copy() {
        return new GoNetpollIoHandlerConfig().setMaxEventsPerWait(maxEventsPerWait);
    }

    @Override
    public String toString() {
        return "GoNetpollIoHandlerConfig{maxEventsPerWait=" + maxEventsPerWait + '}';
    }
}
