package io.gonetpoll.channel;

import io.netty.channel.IoOps;

/**
 * What a channel asks of its registration through {@link io.netty.channel.IoRegistration#submit}. There is no
 * interest mask to change: the fd is added once, with every event, and stays so until it is cancelled.
 */
final class GoNetpollIoOps implements IoOps {
    /** {@code epoll_ctl(ADD, IN|OUT|RDHUP|PRI|ET)}, once, when the socket listens, connects or is accepted. */
    static final GoNetpollIoOps EPOLL_ADD = new GoNetpollIoOps("EPOLL_ADD", 0);
    /** Run the read side from the ready queue at the next loop turn (it is SCHEDULED in the PollDesc). */
    static final GoNetpollIoOps QUEUE_READ = new GoNetpollIoOps("QUEUE_READ", Sides.READ);
    /** Run the write side from the ready queue at the next loop turn. */
    static final GoNetpollIoOps QUEUE_WRITE = new GoNetpollIoOps("QUEUE_WRITE", Sides.WRITE);

    private final String name;
    /** The {@link Sides} a QUEUE_* op queues; 0 for EPOLL_ADD. */
    final int sides;

    private GoNetpollIoOps(String name, int sides) {
        this.name = name;
        this.sides = sides;
    }

    @Override
    public String toString() {
        return name;
    }
}
