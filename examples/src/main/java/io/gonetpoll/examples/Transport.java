package io.gonetpoll.examples;

import io.gonetpoll.channel.GoNetpoll;
import io.gonetpoll.channel.GoNetpollDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerDomainSocketChannel;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.channel.GoNetpollSocketChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringServerDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The transports every example can run on: GoNetpoll, and Netty's own for comparison. */
enum Transport {
    GONETPOLL("gonetpoll", GoNetpollServerSocketChannel.class, GoNetpollSocketChannel.class,
            GoNetpollServerDomainSocketChannel.class, GoNetpollDomainSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            GoNetpoll.ensureAvailability();
            return tuning.goNetpoll();
        }
    },
    EPOLL("epoll", EpollServerSocketChannel.class, EpollSocketChannel.class,
            EpollServerDomainSocketChannel.class, EpollDomainSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            return tuning.epoll();
        }
    },
    IO_URING("io_uring", IoUringServerSocketChannel.class, IoUringSocketChannel.class,
            IoUringServerDomainSocketChannel.class, IoUringDomainSocketChannel.class) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            IoUring.ensureAvailability();
            return IoUringIoHandler.newFactory();
        }
    },
    /** Unix-domain sockets on NIO take the JDK's addresses, not Netty's DomainSocketAddress: not offered here. */
    NIO("nio", NioServerSocketChannel.class, NioSocketChannel.class, null, null) {
        @Override
        IoHandlerFactory newIoHandlerFactory(LoopTuning tuning) {
            return NioIoHandler.newFactory();
        }
    };

    final String cliName;
    final Class<? extends ServerChannel> serverChannel;
    final Class<? extends SocketChannel> socketChannel;
    private final Class<? extends ServerChannel> domainServerChannel;
    private final Class<? extends Channel> domainChannel;

    Transport(String cliName, Class<? extends ServerChannel> serverChannel,
              Class<? extends SocketChannel> socketChannel, Class<? extends ServerChannel> domainServerChannel,
              Class<? extends Channel> domainChannel) {
        this.cliName = cliName;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
        this.domainServerChannel = domainServerChannel;
        this.domainChannel = domainChannel;
    }

    /** The listener class: Unix-domain with {@code --uds}, else TCP. */
    Class<? extends ServerChannel> serverChannel(boolean uds) {
        return uds ? domain(domainServerChannel) : serverChannel;
    }

    /** The connection class: Unix-domain with {@code --uds}, else TCP. */
    Class<? extends Channel> clientChannel(boolean uds) {
        return uds ? domain(domainChannel) : socketChannel;
    }

    private <T> T domain(T channelClass) {
        if (channelClass == null) {
            throw new UsageException("--uds is not available with --transport " + cliName);
        }
        return channelClass;
    }

    /**
     * The transport's IoHandler factory with {@code tuning}, which {@link LoopTuning#parse} has checked against
     * this transport (io_uring and NIO get only {@link LoopTuning#NONE}).
     */
    abstract IoHandlerFactory newIoHandlerFactory(LoopTuning tuning);

    EventLoopGroup newGroup(int threads, String role) {
        return newGroup(threads, role, LoopTuning.NONE);
    }

    EventLoopGroup newGroup(int threads, String role, LoopTuning tuning) {
        return newGroup(threads, role, newIoHandlerFactory(tuning));
    }

    /** A group whose loops {@code factory} makes (one factory may serve several groups). */
    EventLoopGroup newGroup(int threads, String role, IoHandlerFactory factory) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(cliName + '-' + role), factory);
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
