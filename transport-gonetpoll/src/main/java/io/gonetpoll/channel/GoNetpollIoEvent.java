package io.gonetpoll.channel;

import io.netty.channel.IoEvent;

/**
 * An epoll edge, as the loop hands it to a channel: which sides became ready (Go's {@code netpoll} modes
 * 'r'/'w'), whether the peer closed, and whether urgent data is pending. All 16 combinations are created
 * once; dispatch never allocates.
 */
final class GoNetpollIoEvent implements IoEvent {
    /** Bits 0-1 are the {@link Sides}. */
    private static final int PEER_CLOSED = 4;
    private static final int URGENT_DATA = 8;

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
     * Maps an epoll mask to sides the way Go does: the read side for IN, RDHUP, HUP or ERR (and PRI, which Go
     * does not register), the write side for OUT, HUP or ERR (an error or hangup must wake both a parked read
     * and a parked write or connect).
     */
    static GoNetpollIoEvent ofEpoll(int epollEvents) {
        int bits = 0;
        if ((epollEvents & (Native.EPOLLIN | Native.EPOLLPRI | Native.EPOLLRDHUP | Native.EPOLLHUP
                | Native.EPOLLERR)) != 0) {
            bits |= Sides.READ;
        }
        if ((epollEvents & (Native.EPOLLOUT | Native.EPOLLHUP | Native.EPOLLERR)) != 0) {
            bits |= Sides.WRITE;
        }
        if ((epollEvents & (Native.EPOLLRDHUP | Native.EPOLLHUP)) != 0) {
            bits |= PEER_CLOSED;
        }
        if ((epollEvents & Native.EPOLLPRI) != 0) {
            bits |= URGENT_DATA;
        }
        return EVENTS[bits];
    }

    /** The {@link Sides} that became ready. */
    int sides() {
        return bits & Sides.BOTH;
    }

    /** EPOLLRDHUP or EPOLLHUP: no data will follow what is queued. */
    boolean isPeerClosed() {
        return (bits & PEER_CLOSED) != 0;
    }

    /** EPOLLPRI: TCP urgent data is pending, and a read stops at its mark. */
    boolean hasUrgentData() {
        return (bits & URGENT_DATA) != 0;
    }

    @Override
    public String toString() {
        return "GoNetpollIoEvent{" + Sides.name(sides()) + (isPeerClosed() ? ", peerClosed" : "")
                + (hasUrgentData() ? ", urgentData" : "") + '}';
    }
}
