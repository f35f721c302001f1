package io.gonetpoll.examples;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;

import java.util.Set;

/**
 * {@code echo-server}: sends back what it receives, with the classic Netty backpressure: while the outbound
 * buffer is over its high-water mark the channel stops reading (autoRead off) and resumes when it drains. On
 * Netty's epoll each such toggle, and each write that backs up, is an {@code epoll_ctl(MOD)}; on GoNetpoll
 * none is.
 */
final class EchoServer {
    static final Set<String> OPTIONS = Set.of("transport", "host", "port", "uds", "threads", LoopTuning.SPIN_MICROS);
    static final Set<String> FLAGS = Set.of(LoopTuning.BUSY_WAIT);

    private EchoServer() {
    }

    static void run(Options options) throws InterruptedException {
        Servers.serve(options, 9000, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new EchoHandler());
            }
        }, bootstrap -> { });
    }

    @ChannelHandler.Sharable
    static final class EchoHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg, ctx.voidPromise());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            if (!ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
