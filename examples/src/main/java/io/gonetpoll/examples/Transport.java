package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The transports every example can run on: GoNetpoll, and Netty's own for comparison. */
enum Transport {
    GONETPOLL("gonetpoll", GoNetpollServerSocketChannel.class, GoNetpollSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory() {
            GoNetpoll.ensureAvailability();
            return GoNetpollIoHandler.newFactory();
        }
    },
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory() {
            Epoll.ensureAvailability();
            return EpollIoHandler.newFactory();
        }
    },
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory() {
            IoUring.ensureAvailability();
            return IoUringIoHandler.newFactory();
        }
    },
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory() {
            return NioIoHandler.newFactory();
        }
    };

    final String cliName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends SocketChannel> socketChannel;

    Transport(String cliName, Class<? extends ServerChannel> serverChannel,
              Class<? extends SocketChannel> socketChannel) {
        this.cliName = cliName;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    abstract IoHandlerFactory newIoHandlerFactory();

    EventLoopGroup newGroup(int threads, String role) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(cliName + '-' + role),
                newIoHandlerFactory());
    }

    static Transport parse(String name) {
        for (Transport transport : values()) {
            if (transport.cliName.equals(name)) {
                return transport;
            }
        }
        throw new UsageException("unknown transport '" + name + "' (expected one of " + names() + ')');
    }

    static String names() {
        return Arrays.stream(values()).map(t -> t.cliName).collect(Collectors.joining("|"));
    }
}
