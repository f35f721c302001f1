package io.gonetpoll.it.dns;

import io.gonetpoll.channel.GoNetpollDatagramChannel;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/** The transports the resolver runs on here: GoNetpoll, and Netty's epoll and NIO as the reference. */
enum DnsTransport {
    GONETPOLL(GoNetpollDatagramChannel.class, GoNetpollSocketChannel.class) {
        @Override
        IoHandlerFactory newFactory() {
            return GoNetpollIoHandler.newFactory();
        }
    },
    EPOLL(EpollDatagramChannel.class, EpollSocketChannel.class) {
        @Override
        IoHandlerFactory newFactory() {
            return EpollIoHandler.newFactory();
        }
    },
    NIO(NioDatagramChannel.class, NioSocketChannel.class) {
        @Override
        IoHandlerFactory newFactory() {
            return NioIoHandler.newFactory();
        }
    };

    final Class<? extends DatagramChannel> datagramChannel;
    final Class<? extends SocketChannel> socketChannel;

    DnsTransport(Class<? extends DatagramChannel> datagramChannel, Class<? extends SocketChannel> socketChannel) {
        this.datagramChannel = datagramChannel;
        this.socketChannel = socketChannel;
    }

    abstract IoHandlerFactory newFactory();
}
