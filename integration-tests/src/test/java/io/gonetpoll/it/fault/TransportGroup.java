package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandlerFactory;
import io.gonetpoll.channel.GoNetpollLoopCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.util.concurrent.TimeUnit;

/** One event loop of a {@link FaultTransport}, with bootstraps for it; closing shuts the loop down. */
final class TransportGroup implements AutoCloseable {
    final FaultTransport transport;
    final EventLoopGroup group;
    /** {@code null} on epoll. */
    private final GoNetpollIoHandlerFactory goNetpollFactory;

    TransportGroup(FaultTransport transport, IoHandlerFactory factory) {
        this.transport = transport;
        this.group = new MultiThreadIoEventLoopGroup(1, factory);
        this.goNetpollFactory = FaultTransport.goNetpoll(factory);
        // A task on the loop first: its thread has started and opened what it opens, before a test's fd baseline.
        group.submit(() -> { }).syncUninterruptibly();
    }

    Bootstrap client() {
        return new Bootstrap().group(group).channel(transport.socketChannel);
    }

    ServerBootstrap server() {
        return new ServerBootstrap().group(group).channel(transport.serverChannel);
    }

    /** The loop's counters on GoNetpoll, {@code null} on epoll. */
    GoNetpollLoopCounters counters() {
        return goNetpollFactory == null ? null : goNetpollFactory.counters();
    }

    @Override
    public void close() throws InterruptedException {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }
}
