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

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A GoNetpoll echo server (one loop) for {@link AcceptUnderFdExhaustionTest}, run in a child JVM, whose listener
 * swallows its exceptions. ServerBootstrap's acceptor then never sees an accept error, so it never pauses
 * autoRead: whether the listener spins at EMFILE is up to the transport alone. Prints the
 * {@code ChildProcess.LISTENING} line; then, for each line {@code <token>} read from stdin, the accept errors so
 * far as {@code accept-errors=<n> for <token>}. The count is read after the request arrived, so a test that
 * waits for the answer has a count no older than its request (a periodic print could be up to a period stale).
 */
public final class AcceptErrorsSwallowedServerMain {
    private AcceptErrorsSwallowedServerMain() {
    }

    public static void main(String[] args) throws Exception {
        AtomicLong acceptErrors = new AtomicLong();
        // Made before the fds run out: at EMFILE no class may need a jar or file it has not opened yet.
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder answer = new StringBuilder();
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
        // Runs until the test kills the process (its loop thread keeps the JVM alive past the end of stdin).
        for (String token; (token = requests.readLine()) != null; ) {
            answer.setLength(0);
            System.out.println(answer.append("accept-errors=").append(acceptErrors.get()).append(" for ").append(token));
        }
    }
}
