package io.gonetpoll.benchmarks.soak;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Echo with Netty's classic backpressure: while the outbound buffer is over its high-water mark the channel stops
 * reading (auto-read off), and reads again once it drains, so a client that reads slowly makes the server's
 * flushes park and its reads pause. Half-closure aware (its listener allows half-closure): once the client has
 * shut its output, what was read is echoed, then the server shuts its own output and closes.
 */
@ChannelHandler.Sharable
final class BackpressureEcho extends ChannelInboundHandlerAdapter {
    private final Tally ops;

    BackpressureEcho(Tally ops) {
        this.ops = ops;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ops.add("echo-bytes", ((ByteBuf) msg).readableBytes());
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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ops.add("echo-input-shutdowns");
            // Written after everything echoed so far: its completion means they are all on the wire.
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) echoed ->
                    ((DuplexChannel) ctx.channel()).shutdownOutput().addListener(ChannelFutureListener.CLOSE));
        }
        ctx.fireUserEventTriggered(evt);
    }
}
