package io.gonetpoll.channel;

import io.netty.channel.IoEvent;

/**
 * What the loop tells a channel: which sides are ready (an epoll edge, Go's {@code netpoll} modes 'r'/'w'),
 * or which scheduled sides the ready queue reached. All 16 combinations are created once; dispatch never
 * allocates.
 */
final class GoNetpollIoEvent implements IoEvent {
    /** Bits 0-1 are the sides ({@link PollDesc#READ}, {@link PollDesc#WRITE}). */
    private static final int PEER_CLOSED = 4;
    /** The ready queue reached these sides; not an edge. */
    private static final int SCHEDULED = 8;

    private static final GoNetpollIoEvent[] EVENTS = new GoNetpollIoEvent[16];

    static {
        for (int i = 0; i < EVENTS.length; i++) {
            EVENTS[i] = new GoNetpollIoEvent(i);
        }
    }

    private final int bits;

    private GoNetpollIoEvent(int bits) {
        this.bits = bits;
    }

    /**
     * Maps an epoll mask to sides the way Go does: the read side for IN, RDHUP, HUP or ERR, the write side
     * for OUT, HUP or ERR (an error or hangup must wake both a parked read and a parked write or connect).
     */
    static GoNetpollIoEvent ofEpoll(int epollEvents) {
        int bits = 0;
        if ((epollEvents & (Native.EPOLLIN | Native.EPOLLRDHUP | Native.EPOLLHUP | Native.EPOLLERR)) != 0) {
            bits |= PollDesc.READ;
        }
        if ((epollEvents & (Native.EPOLLOUT | Native.EPOLLHUP | Native.EPOLLERR)) != 0) {
            bits |= PollDesc.WRITE;
        }
        if ((epollEvents & (Native.EPOLLRDHUP | Native.EPOLLHUP)) != 0) {
            bits |= PEER_CLOSED;
        }
        return EVENTS[bits];
    }

    static GoNetpollIoEvent scheduled(int sides) {
        return EVENTS[SCHEDULED | sides];
    }

    int sides() {
        return bits & (PollDesc.READ | PollDesc.WRITE);
    }

    boolean isPeerClosed() {
        return (bits & PEER_CLOSED) != 0;
    }

    boolean isScheduled() {
        return (bits & SCHEDULED) != 0;
    }

    @Override
    public String toString() {
        return "GoNetpollIoEvent{" + (isScheduled() ? "scheduled " : "edge ")
                + ((bits & PollDesc.READ) != 0 ? "R" : "") + ((bits & PollDesc.WRITE) != 0 ? "W" : "")
                + (isPeerClosed() ? " peerClosed" : "") + '}';
    }
}
