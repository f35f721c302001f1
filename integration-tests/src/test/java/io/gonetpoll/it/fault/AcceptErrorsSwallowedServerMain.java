package io.gonetpoll.it.fault;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.gonetpoll.it.EchoFixture;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GoNetpoll echo server (one loop) for {@link AcceptUnderFdExhaustionTest}, run in a child JVM, whose listener
 * swallows its exceptions. ServerBootstrap's acceptor then never sees an accept error, so it never pauses
 * autoRead: whether the listener spins at EMFILE is up to the transport alone. Prints the
 * {@code ChildProcess.LISTENING} line, then {@code accept-errors=<n>} every 200 ms.
 */
public final class AcceptErrorsSwallowedServerMain {
    private AcceptErrorsSwallowedServerMain() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong acceptErrors = new AtomicLong();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, GoNetpollIoHandler.newFactory());
        Channel server = new ServerBootstrap().group(group).channel(GoNetpollServerSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // Not passed on: this handler sits before the acceptor in the listener's pipeline.
                        acceptErrors.incrementAndGet();
                    }
                })
                .childHandler(EchoFixture.Echo.INSTANCE)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        InetSocketAddress local = (InetSocketAddress) server.localAddress();
        System.out.println("listening on " + local.getHostString() + ':' + local.getPort()
                + " transport=gonetpoll threads=1");
        // Runs until the test kills the process.
        for (;;) {
            Thread.sleep(200);
            System.out.println("accept-errors=" + acceptErrors.get());
        }
    }
}
