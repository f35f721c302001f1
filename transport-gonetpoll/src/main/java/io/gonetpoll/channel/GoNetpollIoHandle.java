package io.gonetpoll.channel;

import io.netty.channel.IoHandle;
import io.netty.channel.unix.FileDescriptor;

/**
 * An {@link IoHandle} a {@link GoNetpollIoHandler} can serve. Two entry points, both on the loop thread:
 * {@link #handle} receives epoll edges (a {@link GoNetpollIoEvent}), {@link #runQueued} the sides the handle
 * queued on the loop's {@link ReadyQueue} with {@link GoNetpollIoOps#QUEUE_READ} / {@code QUEUE_WRITE}.
 */
interface GoNetpollIoHandle extends IoHandle {
    /** The file descriptor to poll. */
    FileDescriptor fd();

    /** The ready queue reached {@code sides} ({@link Sides} bits) that this handle queued; not an edge. */
    void runQueued(int sides);
}
