package io.gonetpoll.it;

import io.gonetpoll.channel.GoNetpollIoHandler;
import io.gonetpoll.channel.GoNetpollServerSocketChannel;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request/response server on one loop, for {@link RequestResponseStraceTest} to trace in a child JVM: each message
 * is written back at once and flushed when the read completes, auto-read on, every read into a fixed buffer of the
 * given size, up to 16 reads per read request. It serves the given number of connections, then closes its listener, shuts its loop down and exits,
 * so the trace ends with everything closed. Prints the {@code ChildProcess.LISTENING} line once bound.
 *
 * <p>Arguments: {@code gonetpoll|epoll} {@code <read buffer bytes>} {@code <connections>}.
 */
public final class RequestResponseServerMain {
    private RequestResponseServerMain() {
    }

    public static void main(String[] args) throws Exception {
        boolean goNetpoll = args[0].equals("gonetpoll");
        int bufferBytes = Integer.parseInt(args[1]);
        CountDownLatch connectionsLeft = new CountDownLatch(Integer.parseInt(args[2]));
        IoHandlerFactory factory = goNetpoll ? GoNetpollIoHandler.newFactory() : EpollIoHandler.newFactory();
        Class<? extends ServerChannel> channel = goNetpoll
                ? GoNetpollServerSocketChannel.class : EpollServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, factory);
        try {
            Channel server = new ServerBootstrap().group(group).channel(channel)
                    // A fixed allocator reads one message per read() unless told otherwise; 16 is the channels' own
                    // default, so a read that fills its buffer is followed by the next one under auto-read.
                    .childOption(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(bufferBytes))
                    .childOption(ChannelOption.MAX_MESSAGES_PER_READ, 16)
                    .childHandler(new Respond(connectionsLeft))
                    .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            InetSocketAddress local = (InetSocketAddress) server.localAddress();
            System.out.println("listening on " + local.getHostString() + ':' + local.getPort() + " transport="
                    + args[0] + " threads=1");
            if (!connectionsLeft.await(120, TimeUnit.SECONDS)) {
                System.out.println("connections left unserved: " + connectionsLeft.getCount());
            }
            server.close().sync();
        } finally {
            group.shutdownGracefully(0, 5, TimeUnit.SECONDS).sync();
        }
        System.out.println("stopped");
    }

    /** Writes each message back, flushes once the read is complete, counts closed connections. */
    @ChannelHandler.Sharable
    private static final class Respond extends ChannelInboundHandlerAdapter {
        private final CountDownLatch connectionsLeft;

        Respond(CountDownLatch connectionsLeft) {
            this.connectionsLeft = connectionsLeft;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            connectionsLeft.countDown();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            cause.printStackTrace(System.out);
            ctx.close();
        }
    }
}
