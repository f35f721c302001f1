package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * The transports every fault test runs on: GoNetpoll, and Netty's own epoll as the reference. An assertion that
 * holds on {@link #EPOLL} encodes what a Netty transport must do; GoNetpoll must then pass it too.
 */
enum FaultTransport {
    GONETPOLL(GoNetpollSocketChannel.class, GoNetpollServerSocketChannel.class) {
        @Override
        IoHandlerFactory newFactory() {
            return GoNetpollIoHandler.newFactory();
        }
    },
    EPOLL(EpollSocketChannel.class, EpollServerSocketChannel.class) {
        @Override
        IoHandlerFactory newFactory() {
            return EpollIoHandler.newFactory();
        }
    };

    final Class<? extends SocketChannel> socketChannel;
    final Class<? extends ServerChannel> serverChannel;

    FaultTransport(Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> serverChannel) {
        this.socketChannel = socketChannel;
        this.serverChannel = serverChannel;
    }

    abstract IoHandlerFactory newFactory();

    /** A one-thread loop group of this transport; one loop keeps event order easy to reason about. */
    TransportGroup open() {
        return new TransportGroup(this, newFactory());
    }

    /** GoNetpoll's counters, or {@code null} for epoll, which has none. */
    static GoNetpollIoHandlerFactory goNetpoll(IoHandlerFactory factory) {
        return factory instanceof GoNetpollIoHandlerFactory ? (GoNetpollIoHandlerFactory) factory : null;
    }
}
