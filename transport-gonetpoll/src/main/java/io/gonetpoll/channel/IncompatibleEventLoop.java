package io.gonetpoll.channel;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandler;

/** Says which event loop a GoNetpoll channel was given instead of a GoNetpoll one. */
final class IncompatibleEventLoop {
    /** IoHandlers users mix up with ours; looked up by name because only netty-transport is a dependency. */
    private static final String[] KNOWN_HANDLERS = {
        "io.netty.channel.nio.NioIoHandler",
        "io.netty.channel.epoll.EpollIoHandler",
        "io.netty.channel.uring.IoUringIoHandler",
        "io.netty.channel.kqueue.KQueueIoHandler",
        "io.netty.channel.local.LocalIoHandler",
    };

    private IncompatibleEventLoop() {
    }

    static String message(Channel channel, EventLoop eventLoop) {
        return channel.getClass().getSimpleName() + " cannot be registered with " + eventLoop.getClass().getName()
                + " (" + describeIo(eventLoop) + "): GoNetpoll channels need an event loop of GoNetpollIoHandler, "
                + "e.g. new MultiThreadIoEventLoopGroup(GoNetpollIoHandler.newFactory())";
    }

    private static String describeIo(EventLoop eventLoop) {
        if (!(eventLoop instanceof IoEventLoop)) {
            return "not an IoEventLoop";
        }
        IoEventLoop ioLoop = (IoEventLoop) eventLoop;
        for (String name : KNOWN_HANDLERS) {
            Class<? extends IoHandler> type = load(name);
            if (type != null && ioLoop.isIoType(type)) {
                return "its IoHandler is " + type.getName();
            }
        }
        return "its IoHandler is not a GoNetpollIoHandler";
    }

    private static Class<? extends IoHandler> load(String name) {
        try {
            return Class.forName(name, false, IncompatibleEventLoop.class.getClassLoader()).asSubclass(IoHandler.class);
        } catch (ClassNotFoundException | LinkageError | ClassCastException e) {
            return null;
        }
    }
}
