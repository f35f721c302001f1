package io.gonetpoll.channel;

import io.netty.channel.IoOps;

/**
 * What a channel asks of its registration through {@link io.netty.channel.IoRegistration#submit}. There is no
 * interest mask to change: the fd is armed once, with every event, and stays so until it is cancelled.
 */
final class GoNetpollIoOps implements IoOps {
    /** {@code epoll_ctl(ADD, IN|OUT|RDHUP|ET)}, once, when the socket listens, connects or is accepted. */
    static final GoNetpollIoOps ARM = new GoNetpollIoOps("ARM", 0);
    /** Run the read side from the ready queue at the next loop turn (it is SCHEDULED in the PollDesc). */
    static final GoNetpollIoOps SCHEDULE_READ = new GoNetpollIoOps("SCHEDULE_READ", PollDesc.READ);
    /** Run the write side from the ready queue at the next loop turn. */
    static final GoNetpollIoOps SCHEDULE_WRITE = new GoNetpollIoOps("SCHEDULE_WRITE", PollDesc.WRITE);

    private final String name;
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
