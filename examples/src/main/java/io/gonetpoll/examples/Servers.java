package io.gonetpoll.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** Binds a server of the chosen transport, says where it listens, and serves until the JVM is stopped. */
final class Servers {
    private Servers() {
    }

    /**
     * Serves {@code childHandler} until the process is killed; SIGTERM shuts the groups down gracefully.
     * Prints {@code listening on <host>:<port> transport=<t> threads=<n>} once bound (tests wait for it); with
     * {@code --uds PATH} it listens on that Unix-domain socket instead and prints {@code listening on unix:PATH ...}.
     * {@code --spin-micros N} / {@code --busy-wait} tune the worker loops ({@link LoopTuning}); the boss loop,
     * which only accepts, waits the default way.
     */
    static void serve(Options options, int defaultPort, ChannelHandler childHandler,
                      Consumer<ServerBootstrap> configure) throws InterruptedException {
        serve(options, defaultPort, null, childHandler, configure);
    }

    /** As above; {@code ioHandlerFactory}, if not null, makes the loops of both groups (one set of metrics). */
    static void serve(Options options, int defaultPort, IoHandlerFactory ioHandlerFactory, ChannelHandler childHandler,
                      Consumer<ServerBootstrap> configure) throws InterruptedException {
        Transport transport = options.transport();
        int threads = options.threads();
        LoopTuning tuning = LoopTuning.parse(options, transport);
        EventLoopGroup boss = ioHandlerFactory == null ? transport.newGroup(1, "boss")
                : transport.newGroup(1, "boss", ioHandlerFactory);
        EventLoopGroup workers = ioHandlerFactory == null ? transport.newGroup(threads, "worker", tuning)
                : transport.newGroup(threads, "worker", ioHandlerFactory);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }, "shutdown"));
        SocketAddress uds = options.uds();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannel(uds != null))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childHandler(childHandler);
        configure.accept(bootstrap);
        String where;
        Channel server;
        if (uds != null) {
            server = bootstrap.bind(uds).sync().channel();
            where = "unix:" + options.udsPath();
        } else {
            server = bootstrap.bind(options.host(), options.port(defaultPort)).sync().channel();
            InetSocketAddress local = (InetSocketAddress) server.localAddress();
            where = local.getHostString() + ':' + local.getPort();
        }
        System.out.println("listening on " + where + " transport=" + transport.cliName + " threads=" + threads);
        server.closeFuture().sync();
    }
}
