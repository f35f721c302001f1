package io.gonetpoll.channel;

import io.netty.channel.IoHandle;
import io.netty.channel.unix.FileDescriptor;

/** An {@link IoHandle} a {@link GoNetpollIoHandler} can serve: something with a file descriptor to poll. */
interface GoNetpollIoHandle extends IoHandle {
    FileDescriptor fd();
}
