package io.gonetpoll.examples;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;

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
     */
    static void serve(Options options, int defaultPort, ChannelHandler childHandler,
                      Consumer<ServerBootstrap> configure) throws InterruptedException {
        Transport transport = options.transport();
        int threads = options.threads();
        EventLoopGroup boss = transport.newGroup(1, "boss");
        EventLoopGroup workers = transport.newGroup(threads, "worker");
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
